//! Reads the SMTP sink's maildir (aiosmtpd `Mailbox` handler): one file per message.

use std::path::Path;

/// The newest activation code e-mailed to `to`, if any.
pub fn latest_code(maildir: &Path, to: &str) -> Option<String> {
    let mut newest: Option<(std::time::SystemTime, String)> = None;
    for entry in std::fs::read_dir(maildir.join("new")).ok()?.flatten() {
        let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
        let addressed = text.lines().any(|l| l.to_ascii_lowercase().starts_with("to:") && l.to_ascii_lowercase().contains(&to.to_ascii_lowercase()));
        if !addressed {
            continue;
        }
        let Some(code) = extract_code(&text) else { continue };
        let modified = entry.metadata().and_then(|m| m.modified()).ok()?;
        if newest.as_ref().is_none_or(|(t, _)| modified >= *t) {
            newest = Some((modified, code));
        }
    }
    newest.map(|(_, code)| code)
}

/// Number of messages addressed to `to`.
pub fn count_to(maildir: &Path, to: &str) -> usize {
    let Ok(entries) = std::fs::read_dir(maildir.join("new")) else { return 0 };
    entries
        .flatten()
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .filter(|t| t.lines().any(|l| l.to_ascii_lowercase().starts_with("to:") && l.to_ascii_lowercase().contains(&to.to_ascii_lowercase())))
        .count()
}

fn extract_code(text: &str) -> Option<String> {
    let rest = &text[text.find("activation code is:")? + "activation code is:".len()..];
    let code: String = rest.trim_start().chars().take(6).collect();
    (code.len() == 6 && code.chars().all(|c| c.is_ascii_digit())).then_some(code)
}

/// The messages addressed to `to`, as raw text with quoted-printable soft line breaks joined.
pub fn messages_to(maildir: &Path, to: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(maildir.join("new")) else { return Vec::new() };
    entries
        .flatten()
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .filter(|t| t.lines().any(|l| l.to_ascii_lowercase().starts_with("to:") && l.to_ascii_lowercase().contains(&to.to_ascii_lowercase())))
        .map(|t| t.replace("=\r\n", "").replace("=\n", ""))
        .collect()
}
