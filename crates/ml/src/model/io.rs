//! JSON (de)serialisation of artifacts, with a compatibility check on load.

use std::path::{Path, PathBuf};

use super::ModelArtifact;
use crate::features::FEATURE_NAMES;

/// Why an artifact could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The JSON is not a model artifact.
    #[error("the model file is not a valid model artifact: {0}")]
    Json(#[from] serde_json::Error),
    /// Reading or writing the file failed.
    #[error("could not access the model file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The artifact was made for other features, or its numbers are unusable.
    #[error("the model artifact cannot be used by this version: {0}")]
    Incompatible(String),
}

impl ModelArtifact {
    /// Pretty-printed JSON.
    pub fn to_json(&self) -> Result<String, ModelError> {
        Ok(serde_json::to_string_pretty(self)?)
    }

    /// Parses and checks an artifact.
    pub fn from_json(json: &str) -> Result<Self, ModelError> {
        let mut artifact: Self = serde_json::from_str(json)?;
        artifact.check()?;
        Ok(artifact)
    }

    /// Writes the artifact as JSON to `path`.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), ModelError> {
        let path = path.as_ref();
        std::fs::write(path, self.to_json()?).map_err(|source| ModelError::Io { path: path.to_owned(), source })
    }

    /// Reads and checks an artifact from `path`.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, ModelError> {
        let path = path.as_ref();
        let json = std::fs::read_to_string(path).map_err(|source| ModelError::Io { path: path.to_owned(), source })?;
        Self::from_json(&json)
    }

    /// Maps the artifact's features onto this code's (older artifacts use a
    /// subset of them) and rejects unknown features or non-finite numbers.
    pub(crate) fn check(&mut self) -> Result<(), ModelError> {
        let mut columns = Vec::with_capacity(self.feature_names.len());
        for name in &self.feature_names {
            let column = FEATURE_NAMES.iter().position(|known| known == name).ok_or_else(|| {
                ModelError::Incompatible(format!("it uses the feature {name:?}, which this version does not compute"))
            })?;
            if columns.contains(&column) {
                return Err(ModelError::Incompatible(format!("it lists the feature {name:?} twice")));
            }
            columns.push(column);
        }
        let n = columns.len();
        if self.means.len() != n || self.stds.len() != n || self.coefficients.len() != n {
            return Err(ModelError::Incompatible(format!("it needs {n} means, stds and coefficients")));
        }
        let calibrator = self.calibrator.map(|c| [c.a, c.b, c.c]).unwrap_or_default();
        let bands = self.bands.map(|b| [b.low_below, b.high_from]).unwrap_or_default();
        let mut numbers =
            self.means.iter().chain(&self.stds).chain(&self.coefficients).chain([&self.intercept]).chain(&calibrator);
        if !numbers.all(|v| v.is_finite()) || self.stds.iter().any(|s| *s <= 0.0) {
            return Err(ModelError::Incompatible("it has non-finite numbers or a non-positive std".into()));
        }
        if !(0.0..=1.0).contains(&self.threshold) {
            return Err(ModelError::Incompatible(format!("its threshold {} is not a probability", self.threshold)));
        }
        if !bands.iter().all(|b| (0.0..=1.0).contains(b)) || bands[0] > bands[1] {
            return Err(ModelError::Incompatible("its risk bands are not ordered probabilities".into()));
        }
        self.columns = columns;
        Ok(())
    }
}
