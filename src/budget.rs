//! The memory a command may use: the smallest of `--max-memory`, the process's own limits (`ulimit -v`,
//! `ulimit -d`) and its control group's, less what the process already holds against each.
//!
//! The estimate of what the runs need (`scenario::SizeEstimate`, `commands::plan`) is checked against this one
//! budget, so that a limit set outside `backlog` refuses a run with exit code 2 and a message naming that limit,
//! as `--max-memory` does, instead of letting an allocation fail and abort the process.

use crate::format::bytes;

/// What bounds the memory of a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bound {
    /// `--max-memory`.
    MaxMemory,
    /// The process's address-space limit, `RLIMIT_AS`.
    AddressSpace,
    /// The process's data-segment limit, `RLIMIT_DATA`.
    Data,
    /// The memory limit of the control group, with the file that sets it.
    Cgroup(String),
}

/// The memory a command may still allocate, and the limit that sets it.
#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    /// Bytes left to allocate.
    pub bytes: f64,
    /// The limit itself, in bytes.
    pub limit: f64,
    pub bound: Bound,
}

impl Budget {
    /// `--max-memory` alone, as `validate` checks a scenario for the machine it will run on.
    pub fn max_memory(max_memory: u64) -> Budget {
        Budget {
            bytes: max_memory as f64,
            limit: max_memory as f64,
            bound: Bound::MaxMemory,
        }
    }

    /// The smallest of `--max-memory` and the limits this process runs under.
    pub fn of(max_memory: u64) -> Budget {
        Budget::smallest(max_memory, &system_limits())
    }

    /// The smallest of `--max-memory` and `limits` (each a bound, its limit and what the process already holds
    /// against it); `--max-memory` wins a tie.
    pub fn smallest(max_memory: u64, limits: &[(Bound, f64, f64)]) -> Budget {
        let mut budget = Budget::max_memory(max_memory);
        for (bound, limit, held) in limits {
            let left = (limit - held).max(0.0);
            if left < budget.bytes {
                budget = Budget {
                    bytes: left,
                    limit: *limit,
                    bound: bound.clone(),
                };
            }
        }
        budget
    }

    /// The limit for a message: `the limit of 4.0 GB (--max-memory)`, `the 1.9 GB left under the process's
    /// address-space limit of 2.0 GB (ulimit -v)`.
    pub fn describe(&self) -> String {
        let what = match &self.bound {
            Bound::MaxMemory => return format!("the limit of {}", bytes(self.limit)),
            Bound::AddressSpace => "the process's address-space limit".to_string(),
            Bound::Data => "the process's data-segment limit".to_string(),
            Bound::Cgroup(file) => format!("the control group's memory limit ({file})"),
        };
        let how = match self.bound {
            Bound::AddressSpace => " (ulimit -v)",
            Bound::Data => " (ulimit -d)",
            _ => "",
        };
        format!(
            "the {} left under {what} of {}{how}",
            bytes(self.bytes),
            bytes(self.limit)
        )
    }

    /// What each worker thread takes of the budget besides its run: under an address-space limit, its stack
    /// and the address space its allocator arena reserves (64 MiB with glibc); elsewhere nothing that counts.
    pub fn per_thread(&self) -> f64 {
        match self.bound {
            Bound::AddressSpace => (2 + 64) as f64 * 1024.0 * 1024.0,
            _ => 0.0,
        }
    }

    /// How to get more memory, for a message.
    pub fn remedy(&self) -> &'static str {
        match self.bound {
            Bound::MaxMemory => "raise it with --max-memory if the machine has the memory",
            Bound::AddressSpace | Bound::Data => {
                "raise the limit (ulimit) if the machine has the memory"
            }
            Bound::Cgroup(_) => "give the container more memory",
        }
    }
}

/// The process's and its control group's memory limits, with what the process already holds against each.
fn system_limits() -> Vec<(Bound, f64, f64)> {
    let mut limits = Vec::new();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let held = |field: &str| status_kilobytes(&status, field).unwrap_or(0.0);
    #[cfg(unix)]
    {
        use rustix::process::{getrlimit, Resource};
        for (resource, bound, field) in [
            (Resource::As, Bound::AddressSpace, "VmSize"),
            (Resource::Data, Bound::Data, "VmData"),
        ] {
            if let Some(limit) = getrlimit(resource).current {
                limits.push((bound, limit as f64, held(field)));
            }
        }
    }
    if let Some((file, limit)) = cgroup_limit() {
        limits.push((Bound::Cgroup(file), limit, held("VmRSS")));
    }
    limits
}

/// A field of /proc/self/status given in kB (`VmSize:   12345 kB`), in bytes.
fn status_kilobytes(status: &str, field: &str) -> Option<f64> {
    let line = status
        .lines()
        .find(|line| line.split(':').next() == Some(field))?;
    let kilobytes: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes * 1024.0)
}

/// The memory limit of this process's control group: cgroup v2's `memory.max`, else cgroup v1's
/// `memory.limit_in_bytes`, each of the group named in /proc/self/cgroup, else at the root of the hierarchy.
/// `None` when there is none (`max`, or v1's "unlimited", a number near 2^63).
fn cgroup_limit() -> Option<(String, f64)> {
    let groups = std::fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
    // `0::/path` for v2, `4:memory:/path` for v1's memory controller.
    let own = |controllers: &str| {
        groups.lines().find_map(|line| {
            let mut fields = line.splitn(3, ':');
            let _ = fields.next();
            (fields.next() == Some(controllers))
                .then(|| fields.next())
                .flatten()
                .map(|path| path.trim_end_matches('/').to_string())
        })
    };
    let mut files = Vec::new();
    if let Some(path) = own("") {
        files.push(format!("/sys/fs/cgroup{path}/memory.max"));
    }
    files.push("/sys/fs/cgroup/memory.max".to_string());
    if let Some(path) = own("memory") {
        files.push(format!("/sys/fs/cgroup/memory{path}/memory.limit_in_bytes"));
    }
    files.push("/sys/fs/cgroup/memory/memory.limit_in_bytes".to_string());
    files.into_iter().find_map(|file| {
        let text = std::fs::read_to_string(&file).ok()?;
        let limit = parse_cgroup_limit(&text)?;
        Some((file, limit))
    })
}

/// The bytes of a cgroup memory limit file; `None` for no limit.
fn parse_cgroup_limit(text: &str) -> Option<f64> {
    let limit: u64 = text.trim().parse().ok()?;
    // cgroup v1 writes "no limit" as the largest page-aligned signed 64-bit number.
    (limit < 1 << 62).then_some(limit as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smallest_limit_left_wins() {
        let limits = [
            (Bound::AddressSpace, 2e9, 0.5e9),
            (Bound::Cgroup("memory.max".into()), 3e9, 0.1e9),
        ];
        let budget = Budget::smallest(4_000_000_000, &limits);
        assert_eq!(budget.bound, Bound::AddressSpace);
        assert_eq!(budget.bytes, 1.5e9);
        assert_eq!(
            budget.describe(),
            "the 1.5 GB left under the process's address-space limit of 2.0 GB (ulimit -v)"
        );
        let budget = Budget::smallest(1_000_000_000, &limits);
        assert_eq!(budget, Budget::max_memory(1_000_000_000));
        assert_eq!(budget.describe(), "the limit of 1.0 GB");
        // A limit already used up leaves nothing, not a negative budget.
        let budget = Budget::smallest(4_000_000_000, &[(Bound::Data, 1e6, 2e6)]);
        assert_eq!((budget.bytes, budget.bound), (0.0, Bound::Data));
    }

    #[test]
    fn cgroup_files_are_read_as_limits_or_none() {
        assert_eq!(parse_cgroup_limit("max\n"), None);
        assert_eq!(parse_cgroup_limit("9223372036854771712\n"), None);
        assert_eq!(parse_cgroup_limit("536870912\n"), Some(536_870_912.0));
        assert_eq!(parse_cgroup_limit(""), None);
    }

    #[test]
    fn status_fields_are_read_in_bytes() {
        let status = "Name:\tbacklog\nVmSize:\t   12000 kB\nVmData:\t    3000 kB\n";
        assert_eq!(status_kilobytes(status, "VmSize"), Some(12_288_000.0));
        assert_eq!(status_kilobytes(status, "VmData"), Some(3_072_000.0));
        assert_eq!(status_kilobytes(status, "VmRSS"), None);
    }
}
