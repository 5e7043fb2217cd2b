//! The built `api` and `worker` binaries, run as child processes that are
//! stopped (SIGTERM, then kill) when dropped. They run from the temp directory
//! with a cleared environment, so a developer's `.env` (which the binaries
//! look for in parent directories) never leaks into a test.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// `target/<profile>/<name>`, found next to the running test executable.
pub fn binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let path = dir.join(name);
    assert!(path.exists(), "{} not built: run `cargo build --workspace --bins` first (scripts/test.sh does)", path.display());
    path
}

pub struct Running {
    child: Child,
    pub name: String,
}

impl Running {
    pub fn start(name: &str, args: &[&str], env: &[(String, String)]) -> Self {
        Self::spawn(name, args, env, None)
    }

    /// With stdout and stderr written to `log` (for tests that read what was logged).
    pub fn start_logged(name: &str, args: &[&str], env: &[(String, String)], log: &std::path::Path) -> Self {
        Self::spawn(name, args, env, Some(log))
    }

    fn spawn(name: &str, args: &[&str], env: &[(String, String)], log: Option<&std::path::Path>) -> Self {
        let mut command = Command::new(binary(name));
        command
            .args(args)
            .current_dir(std::env::temp_dir())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::null());
        if let Some(log) = log {
            let file = std::fs::File::create(log).unwrap();
            command.stdout(file.try_clone().unwrap()).stderr(file);
        }
        Self { child: command.spawn().unwrap(), name: name.to_string() }
    }

    /// Sends SIGTERM and waits for a clean exit; returns the exit code.
    pub fn terminate(mut self) -> Option<i32> {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let status = self.child.wait().ok()?;
        status.code()
    }

    /// Kills the process at once (SIGKILL), as a crash would.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs a binary to completion; returns (exit code, stdout).
pub fn run_to_end(name: &str, args: &[&str], env: &[(String, String)]) -> (i32, String, String) {
    let out = Command::new(binary(name))
        .args(args)
        .current_dir(std::env::temp_dir())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}
