//! Work a screen hands to the window: anything that writes (and so may wait for another bench's
//! write lock) or takes long runs off the window's thread, on the store worker's own connection,
//! and comes back as a message. The window keeps drawing and answering clicks meanwhile; a scan's
//! verdict is still stored before it is shown, because the screen only shows what comes back.

use crate::error::Error;
use crate::store::{LockWait, Store};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

/// Why a job did not give its result. Shared so the message carrying it can be cloned.
pub type Failure = Arc<Error>;

type Work<M> = Box<dyn FnOnce(Result<&mut Store, Failure>) -> M + Send>;

/// One piece of store work and the message its result becomes.
pub struct Job<M> {
    work: Work<M>,
}

impl<M: Send + 'static> Job<M> {
    /// `work` runs with the store; `done` turns its result (or why it could not run) into the
    /// screen's message.
    pub fn new<T: 'static>(
        work: impl FnOnce(&mut Store) -> crate::Result<T> + Send + 'static,
        done: impl FnOnce(Result<T, Failure>) -> M + Send + 'static,
    ) -> Job<M> {
        Job {
            work: Box::new(move |store| {
                done(match store {
                    Ok(s) => work(s).map_err(Arc::new),
                    Err(e) => Err(e),
                })
            }),
        }
    }

    /// The same job, its message wrapped for a parent.
    pub fn map<N: Send + 'static>(self, f: impl FnOnce(M) -> N + Send + 'static) -> Job<N> {
        let work = self.work;
        Job {
            work: Box::new(move |store| f(work(store))),
        }
    }

    /// Runs here and now (tests, and the window when it has no worker).
    pub fn run(self, store: Option<&mut Store>) -> M {
        (self.work)(store.ok_or_else(no_store))
    }
}

fn no_store() -> Failure {
    Arc::new(Error::invalid(
        "数据库没有打开，这次操作没有执行",
        "the store is not open; nothing was done",
    ))
}

type Boxed = Box<dyn FnOnce(Result<&mut Store, Failure>) + Send>;

/// The store worker: one thread with its own connection, running jobs in the order given (so
/// scans are stored in the order they were made).
pub struct Worker {
    tx: mpsc::Sender<Boxed>,
    /// Jobs queued and not done yet.
    jobs: Arc<AtomicUsize>,
    /// A job of the worker is waiting for another program's write lock.
    waiting: Arc<AtomicBool>,
}

/// How long the worker waits for another bench's write lock before it gives up and says so.
pub const WORKER_BUSY_WAIT: Duration = Duration::from_secs(8);

impl Worker {
    /// Starts the worker on the store at `path`. It opens its connection on first use and
    /// again after a failure, so a store that comes back is used again.
    pub fn spawn(path: PathBuf) -> Worker {
        let (tx, rx) = mpsc::channel::<Boxed>();
        let jobs = Arc::new(AtomicUsize::new(0));
        let waiting = Arc::new(AtomicBool::new(false));
        let (done, flag) = (jobs.clone(), waiting.clone());
        std::thread::Builder::new()
            .name("store-worker".into())
            .spawn(move || {
                let mut store: Option<Store> = None;
                for job in rx {
                    if store.is_none() {
                        match Store::open(&path) {
                            Ok(mut s) => {
                                let _ = s.set_busy_timeout(WORKER_BUSY_WAIT);
                                let flag = flag.clone();
                                s.on_lock_wait(Arc::new(move |w| {
                                    flag.store(matches!(w, LockWait::Waiting(_)), Ordering::Relaxed)
                                }));
                                // Every write of the window is made here: no scan pays for a
                                // WAL checkpoint inside its commit (300 ms on a big store).
                                let _ = s.checkpoint_in_background();
                                store = Some(s);
                            }
                            Err(e) => {
                                job(Err(Arc::new(e)));
                                done.fetch_sub(1, Ordering::Relaxed);
                                continue;
                            }
                        }
                    }
                    job(Ok(store.as_mut().expect("opened above")));
                    done.fetch_sub(1, Ordering::Relaxed);
                }
            })
            .expect("spawn the store worker");
        Worker { tx, jobs, waiting }
    }

    /// Whether a job is queued or running.
    pub fn busy(&self) -> bool {
        self.jobs.load(Ordering::Relaxed) > 0
    }

    /// Whether the job running now waits for another program's write lock (an import, another
    /// bench's long write): the window says so instead of just "saving".
    pub fn waiting_for_lock(&self) -> bool {
        self.waiting.load(Ordering::Relaxed)
    }

    /// Queues `job`; the receiver gets its message when it is done.
    pub fn queue<M: Send + 'static>(
        &self,
        job: Job<M>,
    ) -> iced::futures::channel::oneshot::Receiver<M> {
        let (tx, rx) = iced::futures::channel::oneshot::channel();
        let work = job.work;
        self.jobs.fetch_add(1, Ordering::Relaxed);
        let sent = self.tx.send(Box::new(move |store| {
            let _ = tx.send(work(store));
        }));
        if let Err(mpsc::SendError(boxed)) = sent {
            // The worker is gone: the job still answers, with why it did not run.
            self.jobs.fetch_sub(1, Ordering::Relaxed);
            boxed(Err(no_store()));
        }
        rx
    }

    /// Queues `job`; the task yields its message when it is done.
    pub fn submit<M: Send + 'static>(&self, job: Job<M>) -> iced::Task<M> {
        let rx = self.queue(job);
        iced::Task::future(async move { rx.await.ok() }).and_then(iced::Task::done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_without_a_store_says_so() {
        let j: Job<Result<i32, String>> = Job::new(|_s| Ok(1), |r| r.map_err(|e: Failure| e.zh()));
        let out = j.run(None);
        assert!(out.unwrap_err().contains("没有打开"));
    }

    #[test]
    fn the_worker_checkpoints_in_the_background() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        drop(Store::create(&path).unwrap());
        let worker = Worker::spawn(path);
        let rx = worker.queue(Job::new(
            |s: &mut Store| Ok(s.checkpoints_in_background()),
            |r: Result<bool, Failure>| r.unwrap(),
        ));
        assert!(iced::futures::executor::block_on(rx).unwrap());
    }

    #[test]
    fn a_job_runs_on_the_store_and_maps() {
        let mut store = crate::store::testing::store();
        let j = Job::new(
            |s: &mut Store| s.read().setting("nope"),
            |r: Result<Option<String>, Failure>| r.is_ok(),
        )
        .map(|ok| if ok { "ok" } else { "failed" });
        assert_eq!(j.run(Some(&mut store)), "ok");
    }
}
