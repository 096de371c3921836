//! Entry point of the web app: mounts [`tcbill_web::App`] on the page body.

fn main() {
    yew::Renderer::<tcbill_web::App>::new().render();
}
