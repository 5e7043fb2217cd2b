//! The pipeline's error type.

#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The file cannot be ingested at all (nothing was written).
    #[error("{0}")]
    BadFile(String),
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Storage(#[from] storage::StorageError),
    #[error("training failed: {0}")]
    Training(String),
    #[error("model artifact error: {0}")]
    Model(#[from] ml::model::ModelError),
}
