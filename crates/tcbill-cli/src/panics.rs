//! Catching a panic as a message, so that a bug (in tcbill or a library it uses) costs one file or
//! the report, said plainly, rather than the whole run. Panics outside [`catch`] keep Rust's usual
//! report on standard error.

use std::any::Any;
use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

// With `panic = "abort"` in a build profile every caught panic would end the whole run again.
#[cfg(panic = "abort")]
compile_error!("tcbill-cli catches panics per file: build it with panic = \"unwind\"");

thread_local! {
    /// How many [`catch`]es are running on this thread.
    static CATCHING: Cell<u32> = const { Cell::new(0) };
}

/// Runs `work`; a panic in it becomes `Err` with the panic's message. Rust's "thread 'main'
/// panicked at ..." is not printed for a caught panic, since the caller reports it where it
/// happened, unless `RUST_BACKTRACE` is set (then it says where, for a bug report).
pub fn catch<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    static QUIET_WHEN_CAUGHT: Once = Once::new();
    QUIET_WHEN_CAUGHT.call_once(|| {
        let default_hook = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let caught = CATCHING.with(|catching| catching.get() > 0);
            if !caught || std::env::var_os("RUST_BACKTRACE").is_some() {
                default_hook(info);
            }
        }));
    });
    CATCHING.with(|catching| catching.set(catching.get() + 1));
    let result = panic::catch_unwind(AssertUnwindSafe(work));
    CATCHING.with(|catching| catching.set(catching.get() - 1));
    result.map_err(|payload| message(&*payload).to_owned())
}

/// What a panic said (`panic!` carries a `&str` or a `String`).
fn message(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic without a message")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message_and_other_results_pass_through() {
        assert_eq!(catch(|| 7), Ok(7));
        assert_eq!(
            catch(|| panic!("static text")),
            Err::<(), _>("static text".to_owned())
        );
        let row = 3;
        assert_eq!(
            catch(|| panic!("formatted {row}")),
            Err::<(), _>("formatted 3".to_owned())
        );
    }
}
