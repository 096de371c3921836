//! Entry point of the parsing Web Worker (built by Trunk as `tcbill-worker.js`).

fn main() {
    tcbill_web::worker::run();
}
