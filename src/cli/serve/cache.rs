//! A cache of built [`Entity`]s with two promises: memory stays within a budget, and nothing is
//! built twice at once.
//!
//! *Bounded.* Every entity kept counts its bytes against the budget; when a new one would go over,
//! the least recently used are dropped until it fits. (An entity still being sent lives on until
//! its last response is written: the cache drops its own reference, not the reply's.) One larger
//! than the whole budget is still built and returned, just not kept.
//!
//! *Single-flight.* The first request for a key starts its build; others asking for the same key
//! meanwhile wait for that build instead of starting their own — on a cold start, a hundred viewers
//! of one class cost one build, not a hundred. The build is a task of its own, so a requester that
//! goes away (its client hung up) leaves it running for the others.
//!
//! Builds run on tokio's blocking threads, at most as many at once as the permits shared by the
//! caches (the machine's cores), so that building never starves the threads that answer requests.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use tokio::sync::{watch, Semaphore};

use super::entity::Entity;

/// A build that did not finish: it panicked. The panic is printed where it happened; the cache
/// keeps nothing for the key, so the next request tries again.
#[derive(Clone, Copy, Debug)]
pub(super) struct BuildFailed;

/// What waiters of a build see: nothing yet, then its outcome.
type Outcome = Option<Result<Arc<Entity>, BuildFailed>>;

pub(super) struct Cache<K> {
    budget: usize,
    builders: Arc<Semaphore>,
    state: Mutex<State<K>>,
}

struct State<K> {
    slots: HashMap<K, Slot>,
    /// The bytes of the entities kept.
    bytes: usize,
    /// Counts uses, for least-recently-used.
    clock: u64,
}

struct Slot {
    outcome: watch::Receiver<Outcome>,
    last_used: u64,
    /// The bytes its entity counts against the budget: 0 while it is being built.
    counted: usize,
}

impl<K: Hash + Eq + Clone + Send + 'static> Cache<K> {
    /// A cache that keeps at most `budget` bytes and shares `builders` (the permits for builds)
    /// with other caches.
    pub fn new(budget: usize, builders: Arc<Semaphore>) -> Cache<K> {
        Cache { budget, builders, state: Mutex::new(State { slots: HashMap::new(), bytes: 0, clock: 0 }) }
    }

    /// The entity of `key`, built by `build` unless it is built or being built already.
    pub async fn get_or_build<F>(self: &Arc<Self>, key: K, build: F) -> Result<Arc<Entity>, BuildFailed>
    where
        F: FnOnce() -> Entity + Send + 'static,
    {
        let mut outcome = {
            let mut state = self.state();
            state.clock += 1;
            let clock = state.clock;
            match state.slots.get_mut(&key) {
                Some(slot) => {
                    slot.last_used = clock;
                    slot.outcome.clone()
                }
                None => {
                    let (sender, receiver) = watch::channel(None);
                    state.slots.insert(key.clone(), Slot { outcome: receiver.clone(), last_used: clock, counted: 0 });
                    tokio::spawn(self.clone().build(key, build, sender));
                    receiver
                }
            }
        };
        let outcome = outcome.wait_for(Option::is_some).await.map_err(|_| BuildFailed)?;
        outcome.clone().unwrap_or(Err(BuildFailed))
    }

    /// Builds the entity of `key`, keeps it (or forgets the key when the build failed) and tells
    /// the waiters.
    async fn build<F>(self: Arc<Self>, key: K, build: F, waiters: watch::Sender<Outcome>)
    where
        F: FnOnce() -> Entity + Send + 'static,
    {
        let built = match self.builders.clone().acquire_owned().await {
            Ok(_permit) => tokio::task::spawn_blocking(move || Arc::new(build())).await.map_err(|_| BuildFailed),
            Err(_) => Err(BuildFailed),
        };
        match &built {
            Ok(entity) => self.keep(&key, entity.size()),
            Err(_) => {
                self.state().slots.remove(&key);
            }
        }
        waiters.send_replace(Some(built));
    }

    /// One of the permits this cache builds with, for other work that must not crowd out the
    /// threads that answer requests; None once the permits are closed (never, in practice).
    pub async fn permit(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        self.builders.acquire().await.ok()
    }

    /// The entity of `key` if it is built and kept; it counts as a use.
    pub fn get(&self, key: &K) -> Option<Arc<Entity>> {
        let mut state = self.state();
        state.clock += 1;
        let clock = state.clock;
        let slot = state.slots.get_mut(key).filter(|slot| slot.counted > 0)?;
        slot.last_used = clock;
        let entity = slot.outcome.borrow().clone()?.ok();
        entity
    }

    /// The bytes kept.
    #[cfg(test)]
    pub fn bytes(&self) -> usize {
        self.state().bytes
    }

    /// Counts the entity just built for `key`, of `size` bytes, against the budget and evicts the
    /// least recently used until the budget holds. One larger than the whole budget is not kept.
    fn keep(&self, key: &K, size: usize) {
        let mut state = self.state();
        if size > self.budget {
            state.slots.remove(key);
            return;
        }
        // Only built slots are evicted, so the one being built is still there.
        let Some(slot) = state.slots.get_mut(key) else { return };
        slot.counted = size.max(1);
        state.bytes += size.max(1);
        while state.bytes > self.budget {
            let oldest = state
                .slots
                .iter()
                .filter(|(_, slot)| slot.counted > 0)
                .min_by_key(|(_, slot)| slot.last_used)
                .map(|(key, _)| key.clone());
            let Some(oldest) = oldest else { break };
            if let Some(slot) = state.slots.remove(&oldest) {
                state.bytes -= slot.counted;
            }
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State<K>> {
        // Every change under the lock leaves the state whole, so one left by a panicked thread is
        // still sound.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    fn entity(bytes: usize) -> Entity {
        Entity::new(vec![7; bytes], "application/octet-stream", String::new(), super::super::entity::Effort::None)
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
    }

    #[test]
    fn concurrent_requests_for_one_key_build_it_once() {
        let runtime = runtime();
        let cache = Arc::new(Cache::<u32>::new(1 << 20, Arc::new(Semaphore::new(2))));
        let builds = Arc::new(AtomicUsize::new(0));
        let waiters: Vec<_> = (0..50)
            .map(|_| {
                let (cache, builds) = (cache.clone(), builds.clone());
                runtime.spawn(async move {
                    cache
                        .get_or_build(1, move || {
                            builds.fetch_add(1, Ordering::SeqCst);
                            std::thread::sleep(Duration::from_millis(100));
                            entity(1000)
                        })
                        .await
                        .unwrap()
                })
            })
            .collect();
        let built: Vec<Arc<Entity>> = runtime.block_on(async {
            let mut built = Vec::new();
            for waiter in waiters {
                built.push(waiter.await.unwrap());
            }
            built
        });
        assert_eq!(builds.load(Ordering::SeqCst), 1);
        assert!(built.iter().all(|e| Arc::ptr_eq(e, &built[0])));
        assert_eq!(cache.bytes(), 1000);
    }

    #[test]
    fn the_least_recently_used_go_when_the_budget_is_reached() {
        let runtime = runtime();
        let cache = Arc::new(Cache::<u32>::new(3000, Arc::new(Semaphore::new(1))));
        runtime.block_on(async {
            for key in 0..3 {
                cache.get_or_build(key, || entity(1000)).await.unwrap();
            }
            assert_eq!(cache.bytes(), 3000);
            assert!(cache.get(&0).is_some(), "used again: now 1 is the oldest");
            cache.get_or_build(3, || entity(1000)).await.unwrap();
            assert_eq!(cache.bytes(), 3000);
            assert!(cache.get(&1).is_none());
            for kept in [0, 2, 3] {
                assert!(cache.get(&kept).is_some(), "{kept}");
            }
            let huge = cache.get_or_build(9, || entity(10_000)).await.unwrap();
            assert_eq!(huge.size(), 10_000, "returned even when it cannot be kept");
            assert!(cache.get(&9).is_none());
            assert_eq!(cache.bytes(), 3000, "and what was kept stays");
        });
    }

    #[test]
    fn a_build_that_panics_is_an_error_and_the_next_request_builds_again() {
        let runtime = runtime();
        let cache = Arc::new(Cache::<u32>::new(1 << 20, Arc::new(Semaphore::new(1))));
        runtime.block_on(async {
            assert!(cache.get_or_build(1, || panic!("a bug in a build")).await.is_err());
            assert_eq!(cache.get_or_build(1, || entity(10)).await.unwrap().size(), 10);
        });
    }
}
