//! SMTP delivery with lettre (`SMTP_URL`: `smtp://host:port` for a local sink,
//! `smtp://user:pass@host:587?tls=required` or `smtps://...` in production).

use lettre::message::{header::ContentType, Mailbox};
use lettre::transport::smtp::Error as SmtpError;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// Retrying cannot help (bad address, rejected recipient).
    #[error("permanent mail failure: {0}")]
    Permanent(String),
    /// The server is down or busy: retry later.
    #[error("transient mail failure: {0}")]
    Transient(String),
}

#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    pub fn new(url: &str, from: &str) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?.timeout(Some(Duration::from_secs(10))).build();
        let from = from.parse().map_err(|e| anyhow::anyhow!("MAIL_FROM is not a valid address: {e}"))?;
        Ok(Self { transport, from })
    }

    pub async fn send(&self, to: &str, subject: &str, body: String) -> Result<(), MailError> {
        let to: Mailbox = to.parse().map_err(|e| MailError::Permanent(format!("invalid recipient: {e}")))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| MailError::Permanent(e.to_string()))?;
        self.transport.send(message).await.map(|_| ()).map_err(classify)
    }
}

fn classify(err: SmtpError) -> MailError {
    if err.is_permanent() {
        MailError::Permanent(err.to_string())
    } else {
        MailError::Transient(err.to_string())
    }
}
