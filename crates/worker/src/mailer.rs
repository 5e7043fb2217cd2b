//! SMTP delivery with lettre (`SMTP_URL`: `smtp://host:port` for a local sink,
//! `smtp://user:pass@host:587?tls=required` or `smtps://...` in production).
//!
//! Errors carry the SMTP status code only: a server's text often quotes the
//! recipient's address, and errors reach logs and job records.

use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
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

/// A message: plain text, with an optional HTML alternative.
pub struct Letter {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    /// A stable `Message-ID` (without the angle brackets) for a message that
    /// stands for one fact, so a copy sent twice is recognisable as the same message.
    pub message_id: Option<String>,
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
        self.deliver(Letter { to: to.into(), subject: subject.into(), text: body, html: None, message_id: None }).await
    }

    pub async fn deliver(&self, letter: Letter) -> Result<(), MailError> {
        let to: Mailbox = letter.to.parse().map_err(|_| MailError::Permanent("invalid recipient address".into()))?;
        let mut builder = Message::builder().from(self.from.clone()).to(to).subject(letter.subject);
        if let Some(id) = letter.message_id {
            builder = builder.message_id(Some(format!("<{id}>")));
        }
        let message = match letter.html {
            None => builder.header(ContentType::TEXT_PLAIN).body(letter.text),
            Some(html) => builder.multipart(MultiPart::alternative().singlepart(SinglePart::plain(letter.text)).singlepart(SinglePart::html(html))),
        }
        .map_err(|_| MailError::Permanent("the message could not be built".into()))?;
        self.transport.send(message).await.map(|_| ()).map_err(classify)
    }
}

fn classify(err: SmtpError) -> MailError {
    let what = match err.status() {
        Some(code) => format!("SMTP status {code}"),
        None if err.is_timeout() => "SMTP timeout".into(),
        None => "SMTP connection failed".into(),
    };
    if err.is_permanent() {
        MailError::Permanent(what)
    } else {
        MailError::Transient(what)
    }
}
