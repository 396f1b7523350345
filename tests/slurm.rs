//! `scripts/slurm-sweep.sh` on a real Slurm: munged, slurmctld and slurmd
//! started on this one machine (a temporary folder, their own ports and
//! `SLURM_CONF`), a 6-point sweep run as a job array of 3 shards and a
//! dependent merge job, and the merged files compared with the sweep run
//! here. The daemons are stopped whatever happens (a guard's `Drop`).
//!
//! Without the Slurm and munge binaries the test prints "slurm not
//! installed: skipped" and passes, unless `REMOPT_REQUIRE_SLURM=1`
//! (`.ci/run`, after `scripts/setup.sh --with-slurm`), when it fails.

mod common;

use common::{read, remopt, ROOT};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const TOOLS: [&str; 8] = [
    "munged",
    "munge",
    "unmunge",
    "slurmctld",
    "slurmd",
    "sbatch",
    "squeue",
    "sinfo",
];

fn installed(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The daemons started, stopped (and the jobs submitted cancelled) on drop.
struct Cluster {
    dir: tempfile::TempDir,
    conf: PathBuf,
    daemons: Vec<(&'static str, Child)>,
    jobs: Vec<String>,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if !self.jobs.is_empty() {
            let _ = Command::new("scancel")
                .args(&self.jobs)
                .env("SLURM_CONF", &self.conf)
                .stderr(Stdio::null())
                .status();
        }
        // slurmd, slurmctld, then munged: the reverse of their start.
        while let Some((name, mut child)) = self.daemons.pop() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                match child.try_wait() {
                    Ok(Some(_)) | Err(_) => break,
                    Ok(None) if Instant::now() > deadline => {
                        eprintln!("{name} did not stop on SIGTERM: killed");
                        let _ = child.kill();
                        let _ = child.wait();
                        break;
                    }
                    Ok(None) => std::thread::sleep(Duration::from_millis(100)),
                }
            }
        }
    }
}

impl Cluster {
    fn log(&self, name: &str) -> String {
        fs::read_to_string(self.dir.path().join(name)).unwrap_or_default()
    }

    fn logs(&self) -> String {
        ["munged.log", "slurmctld.log", "slurmd.log"]
            .iter()
            .map(|f| format!("--- {f}\n{}", self.log(f)))
            .collect()
    }

    /// Starts `program` in the foreground as a child, its output to
    /// `<name>.out` in the folder.
    fn spawn(&mut self, name: &'static str, program: &str, args: &[&str]) {
        let out = fs::File::create(self.dir.path().join(format!("{name}.out"))).unwrap();
        let child = Command::new(program)
            .args(args)
            .env("SLURM_CONF", &self.conf)
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
        self.daemons.push((name, child));
    }

    /// Waits until `check` holds, at most `seconds`.
    fn wait(&self, what: &str, seconds: u64, mut check: impl FnMut() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        while !check() {
            assert!(
                Instant::now() < deadline,
                "timed out after {seconds} s waiting for {what}\n{}",
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    fn start() -> Cluster {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_path_buf();
        for sub in ["state", "spool", "munge"] {
            fs::create_dir_all(path.join(sub)).unwrap();
        }
        let socket = path.join("munge/munge.socket");
        let mut cluster = Cluster {
            conf: path.join("slurm.conf"),
            dir,
            daemons: Vec::new(),
            jobs: Vec::new(),
        };

        // munge: a private key, its own socket and files.
        let key = path.join("munge/munge.key");
        let mut random = vec![0; 1024];
        {
            use std::io::Read as _;
            fs::File::open("/dev/urandom")
                .unwrap()
                .read_exact(&mut random)
                .unwrap();
        }
        fs::write(&key, random).unwrap();
        use std::os::unix::fs::PermissionsExt as _;
        fs::set_permissions(&key, fs::Permissions::from_mode(0o400)).unwrap();
        let p = |name: &str| path.join(name).display().to_string();
        cluster.spawn(
            "munged",
            "munged",
            &[
                "--foreground",
                "--force",
                "--key-file",
                &key.display().to_string(),
                "--socket",
                &socket.display().to_string(),
                "--pid-file",
                &p("munge/munged.pid"),
                "--log-file",
                &p("munged.log"),
                "--seed-file",
                &p("munge/munged.seed"),
            ],
        );
        let s = socket.display().to_string();
        cluster.wait("munged", 20, || {
            Command::new("sh")
                .arg("-c")
                .arg(format!("munge -n -S '{s}' | unmunge -S '{s}'"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|st| st.success())
        });

        fs::write(&cluster.conf, slurm_conf(&path, &socket)).unwrap();
        let conf = cluster.conf.display().to_string();
        cluster.spawn("slurmctld", "slurmctld", &["-D", "-f", &conf]);
        cluster.spawn("slurmd", "slurmd", &["-D", "-f", &conf]);
        let conf_path = cluster.conf.clone();
        cluster.wait("the node to be idle", 60, || {
            Command::new("sinfo")
                .args(["-h", "-o", "%t"])
                .env("SLURM_CONF", &conf_path)
                .output()
                .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "idle")
        });
        cluster
    }

    /// The jobs of ours still queued or running.
    fn queued(&self) -> usize {
        let out = Command::new("squeue")
            .args(["-h", "-o", "%i"])
            .env("SLURM_CONF", &self.conf)
            .output()
            .unwrap();
        assert!(out.status.success(), "squeue failed\n{}", self.logs());
        String::from_utf8_lossy(&out.stdout).lines().count()
    }
}

/// A free TCP port (the kernel's pick, released at once).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn slurm_conf(dir: &Path, socket: &Path) -> String {
    let host = String::from_utf8(Command::new("hostname").arg("-s").output().unwrap().stdout)
        .unwrap()
        .trim()
        .to_string();
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let total_kb: u64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(2_048_000);
    let memory_mb = (total_kb / 1024 / 2).max(1);
    let user = String::from_utf8(Command::new("id").arg("-un").output().unwrap().stdout)
        .unwrap()
        .trim()
        .to_string();
    let (ctld_port, d_port) = (free_port(), free_port());
    let d = dir.display();
    format!(
        "ClusterName=remopt-test
SlurmctldHost={host}
SlurmctldPort={ctld_port}
SlurmdPort={d_port}
AuthType=auth/munge
AuthInfo=socket={socket}
SlurmUser={user}
SlurmdUser={user}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
StateSaveLocation={d}/state
SlurmdSpoolDir={d}/spool
SlurmctldPidFile={d}/slurmctld.pid
SlurmdPidFile={d}/slurmd.pid
SlurmctldLogFile={d}/slurmctld.log
SlurmdLogFile={d}/slurmd.log
NodeName={host} CPUs={cpus} RealMemory={memory_mb} State=UNKNOWN
PartitionName=remopt Nodes={host} Default=YES MaxTime=INFINITE State=UP
",
        socket = socket.display()
    )
}

#[test]
fn a_sweep_through_slurm_shards_and_merge_is_the_one_machine_sweep() {
    let missing: Vec<&str> = TOOLS.iter().copied().filter(|t| !installed(t)).collect();
    if !missing.is_empty() {
        if std::env::var("REMOPT_REQUIRE_SLURM").as_deref() == Ok("1") {
            panic!(
                "REMOPT_REQUIRE_SLURM=1 but {} missing (bash scripts/setup.sh --with-slurm installs them)",
                missing.join(", ")
            );
        }
        println!("slurm not installed: skipped");
        return;
    }
    let started = Instant::now();
    let mut cluster = Cluster::start();
    let scenario = Path::new(ROOT).join("inputs/japan.toml");
    let scenario = scenario.to_str().unwrap();
    let sweep = [scenario, "--vary", "policy.max_avg_risk=0.5:0.75:0.05"];

    let here = cluster.dir.path().join("here");
    remopt()
        .arg("--quiet")
        .arg("sweep")
        .args(sweep)
        .arg("--out")
        .arg(&here)
        .assert()
        .code(0);

    let out = cluster.dir.path().join("out");
    let submitted = Command::new("bash")
        .arg(Path::new(ROOT).join("scripts/slurm-sweep.sh"))
        .arg("3")
        .arg(&out)
        .args(sweep)
        .current_dir(cluster.dir.path())
        .env("SLURM_CONF", &cluster.conf)
        .env("REMOPT", env!("CARGO_BIN_EXE_remopt"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&submitted.stdout).to_string();
    assert!(
        submitted.status.success(),
        "slurm-sweep.sh failed: {}{}\n{}",
        stdout,
        String::from_utf8_lossy(&submitted.stderr),
        cluster.logs()
    );
    let job = |kind: &str| {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(kind).map(|id| id.trim().to_string()))
            .unwrap_or_else(|| panic!("no `{kind}` job id in {stdout:?}"))
    };
    cluster.jobs = vec![job("array "), job("merge ")];

    let merged = out.join("sweep");
    cluster.wait("the array and the merge job to finish", 180, || {
        cluster.queued() == 0 && merged.join("sweep.json").exists()
    });
    let logs = |name: &str| fs::read_to_string(out.join("logs").join(name)).unwrap_or_default();
    for i in 1..=3 {
        let json: serde_json::Value =
            serde_json::from_str(&read(&out.join(format!("shard-{i}")), "sweep.json"))
                .unwrap_or_else(|e| panic!("shard {i}: {e}\n{}", logs(&format!("shard-{i}.out"))));
        assert_eq!(json["shard"]["index"], i);
        assert_eq!(
            json["shard"]["count"], 3,
            "SLURM_ARRAY_TASK_COUNT is the shard count"
        );
        assert_eq!(json["points"], 2);
    }
    for file in ["runs.csv", "plans.csv", "summary.csv"] {
        assert_eq!(
            read(&here, file),
            read(&merged, file),
            "{file}\n{}",
            logs("merge.out")
        );
    }
    assert_eq!(read(&here, "runs.csv").lines().count(), 7, "6 points");
    drop(cluster);
    println!(
        "slurm: 3 shards and the merge, daemons started and stopped, in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
