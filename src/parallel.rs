//! Spreading work over the cores with std's scoped threads: loading a large history means tens of
//! thousands of independent files to read and parse, which runs of consecutive files split well
//! without a thread-pool crate.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Runs per thread: more, smaller runs let a thread on a free core take over the runs of one
/// slowed down by another program, instead of everyone waiting for the slowest.
const RUNS_PER_THREAD: usize = 4;

/// Cuts `items` into consecutive runs of about equal `weight`, each of at least `min_per_run`
/// items (one run when there are fewer), runs `work` on each run on every core (the calling
/// thread too), and returns the results in the order of the runs. Threads take the next run
/// as they finish one. The items are moved to the threads, never copied.
pub fn by_runs<T: Send, R: Send>(
    items: Vec<T>,
    min_per_run: usize,
    weight: impl Fn(&T) -> usize,
    work: impl Fn(Vec<T>) -> R + Sync,
) -> Vec<R> {
    let cores = cores();
    let runs = (items.len() / min_per_run.max(1)).clamp(1, cores * RUNS_PER_THREAD);
    on_threads(split(items, runs, weight), cores, work)
}

/// Runs `work` on each of `items` on every core, in runs as [`by_runs`] cuts them, and returns
/// the results in the order of the items: for thousands of small, independent pieces of work
/// (a file to stat, read, hash or parse; an objective to judge).
pub fn each<T: Send, R: Send>(
    items: Vec<T>,
    min_per_run: usize,
    weight: impl Fn(&T) -> usize,
    work: impl Fn(T) -> R + Sync,
) -> Vec<R> {
    let runs = by_runs(items, min_per_run, weight, |run| run.into_iter().map(&work).collect::<Vec<R>>());
    runs.into_iter().flatten().collect()
}

/// Runs `work` on each of `items` on every core (the calling thread too), the heaviest by
/// `weight` first, and returns the results in the order of the items. For a few hundred pieces
/// of uneven cost (a week's pages, a quarter's pack, every member's): each thread takes the next
/// piece as it finishes one, and with the large ones started first the small ones even out the
/// end, where consecutive runs leave one thread finishing a run of heavy pieces alone.
pub fn heaviest_first<T: Send, R: Send>(
    items: Vec<T>,
    weight: impl Fn(&T) -> usize,
    work: impl Fn(T) -> R + Sync,
) -> Vec<R> {
    let cores = cores();
    let count = items.len();
    let mut order: Vec<(usize, T)> = items.into_iter().enumerate().collect();
    order.sort_by_key(|(_, t)| std::cmp::Reverse(weight(t)));
    let (positions, runs): (Vec<usize>, Vec<Vec<T>>) = order.into_iter().map(|(i, t)| (i, vec![t])).unzip();
    let done = on_threads(runs, cores, |run: Vec<T>| run.into_iter().map(&work).collect::<Vec<R>>());
    let mut out: Vec<Option<R>> = (0..count).map(|_| None).collect();
    for (i, r) in positions.into_iter().zip(done) {
        out[i] = r.into_iter().next();
    }
    out.into_iter().flatten().collect()
}

/// The cores this process may use, asked of the system once: std asks anew at every call, and
/// under Linux that is three files of cgroup limits read each time (a command spreads its work
/// twenty times or more).
fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, usize::from))
}

fn on_threads<T: Send, R: Send>(
    runs: Vec<Vec<T>>,
    threads: usize,
    work: impl Fn(Vec<T>) -> R + Sync,
) -> Vec<R> {
    let threads = threads.min(runs.len());
    if threads <= 1 {
        return runs.into_iter().map(&work).collect();
    }
    let count = runs.len();
    let todo: Vec<Mutex<Option<Vec<T>>>> = runs.into_iter().map(|r| Mutex::new(Some(r))).collect();
    let done: Vec<Mutex<Option<R>>> = (0..count).map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let worker = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(slot) = todo.get(i) else { return };
        // Each run is taken once: the counter hands every index to one thread only.
        let run = slot.lock().unwrap_or_else(|e| e.into_inner()).take().unwrap_or_default();
        let out = work(run);
        *done[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(out);
    };
    std::thread::scope(|scope| {
        let others: Vec<_> = (1..threads).map(|_| scope.spawn(worker)).collect();
        worker();
        for handle in others {
            // A panic on a thread is a bug: let it surface as the panic it is.
            handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        }
    });
    // Every run was done once the threads are joined.
    done.into_iter().filter_map(|r| r.into_inner().unwrap_or_else(|e| e.into_inner())).collect()
}

/// `items` cut into at most `n` consecutive runs of about the same total weight.
fn split<T>(items: Vec<T>, n: usize, weight: impl Fn(&T) -> usize) -> Vec<Vec<T>> {
    let total: usize = items.iter().map(&weight).sum();
    let share = total.div_ceil(n.max(1)).max(1);
    let mut runs = vec![Vec::new()];
    let mut size = 0;
    for item in items {
        if size >= share && runs.len() < n {
            runs.push(Vec::new());
            size = 0;
        }
        size += weight(&item);
        if let Some(run) = runs.last_mut() {
            run.push(item);
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_keep_the_order_and_share_the_weight() {
        let items: Vec<usize> = (1..=100).collect();
        let runs = split(items.clone(), 3, |i| *i);
        assert_eq!(runs.len(), 3);
        let sums: Vec<usize> = runs.iter().map(|r| r.iter().sum()).collect();
        assert!(sums.iter().all(|s| (1600..=1800).contains(s)), "{sums:?}");
        assert_eq!(runs.into_iter().flatten().collect::<Vec<_>>(), items);
    }

    #[test]
    fn work_on_threads_comes_back_in_order() {
        let runs: Vec<Vec<u32>> = (0..13).map(|r| (r * 10..r * 10 + 10).collect()).collect();
        let out = on_threads(runs, 3, |run: Vec<u32>| {
            // Uneven work, so threads finish out of order.
            std::thread::sleep(std::time::Duration::from_millis(u64::from(run[0] % 7)));
            run.iter().map(|i| i * 2).collect::<Vec<_>>()
        });
        assert_eq!(out.concat(), (0..130).map(|i| i * 2).collect::<Vec<_>>());
    }

    #[test]
    fn the_heaviest_go_first_and_the_results_come_back_in_order() {
        let started = Mutex::new(Vec::new());
        let items: Vec<u64> = vec![1, 9, 3, 7, 5, 2, 8];
        let out = heaviest_first(
            items.clone(),
            |i| *i as usize,
            |i| {
                started.lock().unwrap().push(i);
                std::thread::sleep(std::time::Duration::from_millis(i));
                i * 10
            },
        );
        assert_eq!(out, items.iter().map(|i| i * 10).collect::<Vec<_>>());
        let started = started.into_inner().unwrap();
        // Threads take the pieces in order of weight; which thread logs first may vary by one.
        assert!(started[..2].contains(&9) && started[..3].contains(&8), "{started:?}");
        assert_eq!(heaviest_first(Vec::<u8>::new(), |_| 1, |i| i), Vec::<u8>::new());
    }

    #[test]
    fn each_item_comes_back_in_order_whatever_the_runs() {
        let items: Vec<u64> = (0..1000).map(|i| (i * 7919) % 1000).collect();
        let doubled: Vec<u64> = items.iter().map(|i| i * 2).collect();
        assert_eq!(each(items.clone(), 10, |i| *i as usize, |i| i * 2), doubled);
        assert_eq!(each(items, 5000, |_| 1, |i| i * 2), doubled, "one run");
        assert!(each(Vec::<u8>::new(), 10, |_| 1, |i| i).is_empty());
    }

    #[test]
    fn few_items_stay_on_one_run() {
        assert_eq!(by_runs(vec![1, 2, 3], 64, |_| 1, |run| run.len()), vec![3]);
        assert_eq!(split(Vec::<u8>::new(), 4, |_| 1).len(), 1);
    }
}
