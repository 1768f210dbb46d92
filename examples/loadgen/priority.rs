//! CPU priority in the reconnect storm. The load generator shares two cores with the
//! server it measures, and in a storm its stream readers parse 10,000 snapshots of 13 KB
//! at once: five busy threads on two cores, and a publish's latency then measures how long
//! the generator's own publisher and the server wait for a core. So during the storm the
//! readers run at nice 10, the server and the publisher at the normal priority; under
//! contention the kernel gives a nice-10 thread about a tenth of a normal one's time.
//! Elsewhere (fan-out) the readers are what is measured, and keep the normal priority.
//! On Linux the nice value is per thread.

/// The readers' priority during the storm.
pub const READERS: i32 = 10;

/// Sets every thread of this process but the calling one (the main thread, which only
/// waits) to `nice`: the runtime's workers, which read the streams.
pub fn others(nice: i32) {
    let me = nix::unistd::gettid().as_raw();
    let tasks = std::fs::read_dir("/proc/self/task").expect("/proc/self/task");
    for tid in tasks.filter_map(|t| t.ok()?.file_name().to_str()?.parse::<i32>().ok()) {
        if tid != me {
            set(tid, nice);
        }
    }
}

/// For the publisher's thread, and for servers the generator starts (a child inherits its
/// spawning thread's value).
pub fn normal() {
    set(0, 0);
}

fn set(tid: i32, nice: i32) {
    // SAFETY: setpriority only changes a thread's scheduling weight. Lowering the value
    // again needs CAP_SYS_NICE; without it the thread stays where it was.
    unsafe {
        nix::libc::setpriority(nix::libc::PRIO_PROCESS, tid as nix::libc::id_t, nice);
    }
}
