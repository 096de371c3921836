// Starts a part worker (src/worker/parts.rs) on the wasm module the file's worker already runs,
// which it posts as the first message: the part worker neither fetches nor compiles the wasm again
// (Trunk's own loader, tcbill-worker_loader.js, would fetch it once per worker). Copied to dist/ by
// index.html; its URL is relative to the file worker's, both in dist/.
importScripts('./tcbill-worker.js');
// The worker's wasm starts no spare part workers of its own in a part worker (parts.rs).
self.tcbill_part_worker = true;
self.onmessage = (event) => {
  self.onmessage = null;
  wasm_bindgen({ module_or_path: event.data });
};
