//! Header validation: find each required column whatever its spelling.
//!
//! Names are compared after lower-casing and removing whitespace, `-`, `_`
//! and a byte-order mark, so `No-show`, `No_show`, `NoShow` and ` no show `
//! are one column. Aliases cover the public file's misspellings and their
//! corrections (`Hipertension`/`Hypertension`, `Handcap`/`Handicap`,
//! `Neighbourhood`/`Neighborhood`). Extra columns are ignored; when a column
//! appears twice the first one wins.

use super::IngestError;

/// The columns ingestion needs, in the public file's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Column {
    PatientId,
    AppointmentId,
    Gender,
    ScheduledDay,
    AppointmentDay,
    Age,
    Neighbourhood,
    Scholarship,
    Hypertension,
    Diabetes,
    Alcoholism,
    Handicap,
    SmsReceived,
    NoShow,
}

impl Column {
    pub(crate) const ALL: [Column; 14] = [
        Column::PatientId,
        Column::AppointmentId,
        Column::Gender,
        Column::ScheduledDay,
        Column::AppointmentDay,
        Column::Age,
        Column::Neighbourhood,
        Column::Scholarship,
        Column::Hypertension,
        Column::Diabetes,
        Column::Alcoholism,
        Column::Handicap,
        Column::SmsReceived,
        Column::NoShow,
    ];

    /// The public dataset's spelling, used in error messages.
    pub(crate) fn public_name(self) -> &'static str {
        match self {
            Column::PatientId => "PatientId",
            Column::AppointmentId => "AppointmentID",
            Column::Gender => "Gender",
            Column::ScheduledDay => "ScheduledDay",
            Column::AppointmentDay => "AppointmentDay",
            Column::Age => "Age",
            Column::Neighbourhood => "Neighbourhood",
            Column::Scholarship => "Scholarship",
            Column::Hypertension => "Hipertension",
            Column::Diabetes => "Diabetes",
            Column::Alcoholism => "Alcoholism",
            Column::Handicap => "Handcap",
            Column::SmsReceived => "SMS_received",
            Column::NoShow => "No-show",
        }
    }

    /// Accepted spellings, already normalised.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::PatientId => &["patientid"],
            Column::AppointmentId => &["appointmentid"],
            Column::Gender => &["gender", "sex"],
            Column::ScheduledDay => &["scheduledday", "scheduleddate", "scheduledat"],
            Column::AppointmentDay => &["appointmentday", "appointmentdate"],
            Column::Age => &["age"],
            Column::Neighbourhood => &["neighbourhood", "neighborhood"],
            Column::Scholarship => &["scholarship"],
            Column::Hypertension => &["hipertension", "hypertension"],
            Column::Diabetes => &["diabetes"],
            Column::Alcoholism => &["alcoholism"],
            Column::Handicap => &["handcap", "handicap"],
            Column::SmsReceived => &["smsreceived"],
            Column::NoShow => &["noshow"],
        }
    }
}

/// Position of each required column in a row.
#[derive(Debug, Clone)]
pub(crate) struct ColumnMap {
    positions: [usize; 14],
}

impl ColumnMap {
    /// Resolves the header, or lists every missing column at once.
    pub(crate) fn resolve<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Self, IngestError> {
        let normalised: Vec<String> = names.into_iter().map(normalise).collect();
        let mut positions = [0; 14];
        let mut missing = Vec::new();
        for (slot, column) in positions.iter_mut().zip(Column::ALL) {
            match normalised.iter().position(|name| column.aliases().contains(&name.as_str())) {
                Some(at) => *slot = at,
                None => missing.push(column.public_name().to_owned()),
            }
        }
        if missing.is_empty() {
            Ok(Self { positions })
        } else {
            Err(IngestError::MissingColumns(missing))
        }
    }

    /// Where `column` sits in a row.
    pub(crate) fn at(&self, column: Column) -> usize {
        self.positions[column as usize]
    }

    /// The smallest row length that holds every required column.
    pub(crate) fn min_len(&self) -> usize {
        self.positions.iter().max().map_or(0, |max| max + 1)
    }
}

fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '_' | '\u{feff}'))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrected_spellings_and_odd_case_are_accepted() {
        let header = "patientID, AppointmentId ,GENDER,ScheduledDay,AppointmentDay,Age,Neighborhood,\
                      Scholarship,Hypertension,Diabetes,Alcoholism,Handicap,sms received,No_Show";
        let map = ColumnMap::resolve(header.split(',')).expect("header resolves");
        assert_eq!(map.at(Column::NoShow), 13);
        assert_eq!(map.at(Column::Neighbourhood), 6);
    }

    #[test]
    fn every_missing_column_is_reported_by_its_public_name() {
        let Err(IngestError::MissingColumns(missing)) = ColumnMap::resolve(["PatientId", "Age", "extra"]) else {
            panic!("expected missing columns");
        };
        assert_eq!(missing.len(), 12);
        assert!(missing.contains(&"No-show".to_owned()));
        assert!(missing.contains(&"Hipertension".to_owned()));
    }
}
