//! Private instances of the real services, on ports of their own, that a test
//! can stop and start again (fault tests): Redis, SecantusDB (on disk, so its
//! data survives a restart) and the SMTP sink. Each is killed when dropped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn listening(port: u16) -> bool {
    std::net::TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_millis(200)).is_ok()
}

fn wait_until(what: &str, port: u16, up: bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while listening(port) != up {
        assert!(Instant::now() < deadline, "{what} on port {port} did not {}", if up { "start" } else { "stop" });
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// One service process, restartable on the same port.
struct Process {
    name: &'static str,
    port: u16,
    command: Box<dyn Fn() -> Command + Send + Sync>,
    child: Option<Child>,
}

impl Process {
    fn new(name: &'static str, port: u16, command: impl Fn() -> Command + Send + Sync + 'static) -> Self {
        let mut process = Self { name, port, command: Box::new(command), child: None };
        process.start();
        process
    }

    fn start(&mut self) {
        if self.child.is_some() {
            return;
        }
        assert!(!listening(self.port), "port {} of {} is taken by another process", self.port, self.name);
        let child = (self.command)().stdout(Stdio::null()).stderr(Stdio::null()).stdin(Stdio::null()).spawn();
        let mut child = child.unwrap_or_else(|e| panic!("cannot start {}: {e}", self.name));
        wait_until(self.name, self.port, true);
        assert!(matches!(child.try_wait(), Ok(None)), "{} exited at start: port {} is someone else's", self.name, self.port);
        self.child = Some(child);
    }

    /// Kills the process (as a crash would) and waits until the port is closed.
    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        wait_until(self.name, self.port, false);
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A Redis of this test's own; it keeps nothing on disk, so a restart empties it.
pub struct PrivateRedis {
    process: Process,
}

impl PrivateRedis {
    pub fn start() -> Self {
        let port = crate::free_port();
        let process = Process::new("redis-server", port, move || {
            let mut c = Command::new("redis-server");
            c.args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
            c
        });
        Self { process }
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.process.port)
    }

    pub fn stop(&mut self) {
        self.process.stop();
    }

    pub fn start_again(&mut self) {
        self.process.start();
    }

    /// Stops and starts it: every key is gone, as after a restart without persistence.
    pub fn restart(&mut self) {
        self.stop();
        self.start_again();
    }
}

/// A SecantusDB server of this test's own, storing on disk in a temporary directory.
pub struct PrivateMongo {
    process: Process,
    dir: PathBuf,
}

impl PrivateMongo {
    pub fn start() -> Self {
        let port = crate::free_port();
        let dir = std::env::temp_dir().join(format!("hs-mongo-{port}-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("temporary directory");
        let (bin, storage) = (root().join(".dev/venv/bin/secantusd-py"), dir.clone());
        assert!(bin.exists(), "{} missing: run scripts/services.sh test first", bin.display());
        let process = Process::new("secantusd-py", port, move || {
            let mut c = Command::new(&bin);
            c.args(["--host", "127.0.0.1", "--port", &port.to_string(), "--storage-path"]).arg(&storage);
            c
        });
        Self { process, dir }
    }

    /// Without a database name (the isolation adds it).
    pub fn uri(&self) -> String {
        format!("mongodb://127.0.0.1:{}", self.process.port)
    }

    pub fn port(&self) -> u16 {
        self.process.port
    }

    pub fn stop(&mut self) {
        self.process.stop();
    }

    pub fn start_again(&mut self) {
        self.process.start();
    }
}

impl Drop for PrivateMongo {
    fn drop(&mut self) {
        self.process.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// An SMTP sink of this test's own, writing a maildir.
pub struct PrivateSmtp {
    process: Process,
    pub maildir: PathBuf,
}

impl PrivateSmtp {
    pub fn start() -> Self {
        let port = crate::free_port();
        let maildir = std::env::temp_dir().join(format!("hs-mail-{port}-{}", uuid::Uuid::new_v4().simple()));
        for sub in ["tmp", "new", "cur"] {
            std::fs::create_dir_all(maildir.join(sub)).expect("maildir");
        }
        let (python, dir) = (root().join(".dev/venv/bin/python"), maildir.clone());
        let process = Process::new("aiosmtpd", port, move || {
            let mut c = Command::new(&python);
            c.args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"]).arg(&dir);
            c
        });
        Self { process, maildir }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.process.port)
    }

    pub fn stop(&mut self) {
        self.process.stop();
    }

    pub fn start_again(&mut self) {
        self.process.start();
    }
}

impl Drop for PrivateSmtp {
    fn drop(&mut self) {
        self.process.stop();
        let _ = std::fs::remove_dir_all(&self.maildir);
    }
}
