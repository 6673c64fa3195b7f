//! The memory a thread keeps between runs: the last jobcentre it used, lent to the next run of the same shape.

use super::jobcentre::Jobcentre;
use super::rules::Rules;
use super::shape::Shape;
use std::cell::RefCell;

thread_local! {
    /// The memory of the last jobcentre a whole run used on this thread, for the next run's: a sweep's or a
    /// simulation's replications then grow their slabs, lists and buckets once per thread, not once per run.
    static SPARE_JOBCENTRE: RefCell<Option<Jobcentre>> = const { RefCell::new(None) };
}

/// A jobcentre taken from this thread's spare (or new, if there is none of the rules' shape), given back when
/// dropped. [`Jobcentre::start`] forgets everything a jobcentre held, so where it comes from changes nothing
/// but memory.
pub(super) struct Lent(Option<Jobcentre>);

impl Lent {
    pub(super) fn take(rules: &Rules) -> Self {
        let spare = SPARE_JOBCENTRE
            .try_with(|spare| spare.borrow_mut().take())
            .ok()
            .flatten();
        Lent(Some(match spare {
            Some(jobcentre) if jobcentre.shape == Shape::of(rules) => jobcentre,
            _ => Jobcentre::new(rules),
        }))
    }

    pub(super) fn jobcentre(&mut self) -> &mut Jobcentre {
        self.0
            .as_mut()
            .expect("a lent jobcentre is held until dropped")
    }
}

impl Drop for Lent {
    fn drop(&mut self) {
        let Some(jobcentre) = self.0.take() else {
            return;
        };
        // Fails only while the thread's locals are being destroyed; the memory is then freed.
        let _ = SPARE_JOBCENTRE.try_with(|spare| {
            if let Ok(mut spare) = spare.try_borrow_mut() {
                *spare = Some(jobcentre);
            }
        });
    }
}
