//! A chart's SVG rasterised to PNG in the page: drawn into a canvas through an `Image` loaded from
//! a blob URL (the page's CSP allows `img-src blob:`), at twice the size for sharp pasting.
//! The PNG goes to the clipboard or, where the browser gives no clipboard, to a file.

use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, BlobPropertyBag, CanvasRenderingContext2d, ClipboardItem, HtmlCanvasElement, HtmlImageElement, Url,
};

/// Pixels per CSS pixel of the PNG.
const SCALE: u32 = 2;

/// The PNG of `svg`, which is `size` CSS pixels large.
pub async fn png_blob(svg: &str, size: (u32, u32)) -> Result<Blob, JsValue> {
    let options = BlobPropertyBag::new();
    options.set_type("image/svg+xml");
    let svg_blob = Blob::new_with_str_sequence_and_options(&Array::of1(&svg.into()), &options)?;
    let url = Url::create_object_url_with_blob(&svg_blob)?;
    let image = HtmlImageElement::new()?;
    image.set_src(&url);
    let decoded = JsFuture::from(image.decode()).await;
    Url::revoke_object_url(&url)?;
    decoded?;

    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let canvas: HtmlCanvasElement = document.create_element("canvas")?.unchecked_into();
    canvas.set_width(size.0 * SCALE);
    canvas.set_height(size.1 * SCALE);
    let context: CanvasRenderingContext2d = canvas.get_context("2d")?.ok_or("no 2d context")?.unchecked_into();
    let (width, height) = (f64::from(canvas.width()), f64::from(canvas.height()));
    context.draw_image_with_html_image_element_and_dw_and_dh(&image, 0.0, 0.0, width, height)?;

    let png = Promise::new(&mut |resolve, reject| {
        let failed = reject.clone();
        let done = Closure::once_into_js(move |blob: JsValue| {
            let _ = if blob.is_null() {
                reject.call1(&JsValue::NULL, &"canvas.toBlob gave nothing".into())
            } else {
                resolve.call1(&JsValue::NULL, &blob)
            };
        });
        if let Err(err) = canvas.to_blob_with_type(done.unchecked_ref(), "image/png") {
            let _ = failed.call1(&JsValue::NULL, &err);
        }
    });
    Ok(JsFuture::from(png).await?.unchecked_into())
}

/// Starts writing the PNG of `svg` to the clipboard. Call it inside the click handler: browsers
/// allow a clipboard write only during a user gesture, and accept the image as a promise.
/// Fails where the browser has no asynchronous clipboard, no `ClipboardItem`, or no permission.
pub fn copy_png(svg: &str, size: (u32, u32)) -> JsFuture {
    let write = (|| -> Result<Promise, JsValue> {
        let navigator = web_sys::window().ok_or("no window")?.navigator();
        if Reflect::get(&navigator, &"clipboard".into())?.is_undefined() {
            return Err("no clipboard (the page is not a secure context)".into());
        }
        let svg = svg.to_owned();
        let png = wasm_bindgen_futures::future_to_promise(async move { png_blob(&svg, size).await.map(JsValue::from) });
        let items = Object::new();
        Reflect::set(&items, &"image/png".into(), &png)?;
        let item = ClipboardItem::new_with_record_from_str_to_blob_promise(&items)?;
        Ok(navigator.clipboard().write(&Array::of1(&item)))
    })();
    JsFuture::from(write.unwrap_or_else(|err| Promise::reject(&err)))
}
