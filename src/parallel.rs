//! Spreading work over the cores with std's scoped threads: loading a large history means tens of
//! thousands of independent files to read and parse, which consecutive runs split well without a
//! thread-pool crate.

/// Cuts `items` into consecutive runs of about equal `weight`, one per core (fewer when a run
/// would get fewer than `min_per_run` items), runs `work` on each run (the first on the calling
/// thread, the others on their own), and returns the results in the order of the runs. The items
/// are moved to the threads, never copied.
pub fn by_runs<T: Send, R: Send>(
    items: Vec<T>,
    min_per_run: usize,
    weight: impl Fn(&T) -> usize,
    work: impl Fn(Vec<T>) -> R + Sync,
) -> Vec<R> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let n = cores.min(items.len() / min_per_run.max(1)).max(1);
    on_runs(split(items, n, weight), work)
}

fn on_runs<T: Send, R: Send>(runs: Vec<Vec<T>>, work: impl Fn(Vec<T>) -> R + Sync) -> Vec<R> {
    if runs.len() <= 1 {
        return runs.into_iter().map(&work).collect();
    }
    let work = &work;
    std::thread::scope(|scope| {
        let mut runs = runs.into_iter();
        let mine = runs.next().unwrap_or_default();
        let others: Vec<_> = runs.map(|run| scope.spawn(move || work(run))).collect();
        let mut out = vec![work(mine)];
        for handle in others {
            // A panic on a thread is a bug: let it surface as the panic it is.
            out.push(handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        out
    })
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
        let runs: Vec<Vec<u32>> = (0..5).map(|r| (r * 10..r * 10 + 10).collect()).collect();
        let out = on_runs(runs, |run: Vec<u32>| run.iter().map(|i| i * 2).collect::<Vec<_>>());
        assert_eq!(out.concat(), (0..50).map(|i| i * 2).collect::<Vec<_>>());
    }

    #[test]
    fn few_items_stay_on_one_run() {
        assert_eq!(by_runs(vec![1, 2, 3], 64, |_| 1, |run| run.len()), vec![3]);
        assert_eq!(split(Vec::<u8>::new(), 4, |_| 1).len(), 1);
    }
}
