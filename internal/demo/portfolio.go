package demo

import "github.com/aimsproject/aims/internal/aims"

// datasetSpec is a demo dataset with its supplier named.
type datasetSpec struct {
	aims.Dataset
	supplier string
}

// day reads a date of the demo data.
func day(s string) *aims.Date {
	d, err := aims.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return &d
}

var datasets = []datasetSpec{
	{Dataset: aims.Dataset{
		Name:        "Line 2 dewatering historian 2023-2024",
		Description: "One-minute averages of centrifuge torque, differential speed, feed flow, polymer flow and cake moisture.",
		Origin:      "Riverside Mill process historian", CollectionMethod: "Exported by process engineering from PLC tags; no manual entries.",
		PersonalData: aims.PersonalDataNo, Licence: "Internal operational data",
		QualityNotes: "The moisture probe read about 2 points high from 2024-03-04 until its recalibration on 2024-03-18; " +
			"those two weeks are left out. Shutdowns and washing cycles (about 9 % of the time) are removed.",
		WindowStart: day("2023-11-01"), WindowEnd: day("2024-12-31"),
	}},
	{Dataset: aims.Dataset{
		Name:        "Line 2 dewatering historian 2025 Q1",
		Description: "The same tags as the 2023-2024 extract plus bowl speed, held back to validate the site calibration of 2.3.0.",
		Origin:      "Riverside Mill process historian", CollectionMethod: "Exported by process engineering from PLC tags.",
		PersonalData: aims.PersonalDataNo, Licence: "Internal operational data",
		QualityNotes: "Complete except one 30-hour outage of the feed flow meter in February, left out.",
		WindowStart:  day("2025-01-01"), WindowEnd: day("2025-03-31"),
	}},
	{supplier: "Aquametrics Process AI GmbH", Dataset: aims.Dataset{
		Name:        "Aquametrics centrifuge reference data",
		Description: "The vendor's pooled sensor data from decanter centrifuges at other customers' sites.",
		Origin:      "Aquametrics, from six industrial and municipal sites", CollectionMethod: "Not disclosed in detail; the vendor's data sheet describes 1-minute sensor data.",
		PersonalData: aims.PersonalDataNo, Licence: "Used by the vendor under its customer agreements; not shared with us",
		QualityNotes: "We cannot inspect this data. We rely on the vendor's data sheet and on our own site acceptance test.",
		WindowStart:  day("2019-01-01"), WindowEnd: day("2022-12-31"),
	}},
	{Dataset: aims.Dataset{
		Name:        "Loan applications and outcomes 2019-2023",
		Description: "Consumer loan applications with the applicant's declared data and the 12-month repayment outcome.",
		Origin:      "Kestrel Finance loan origination system", CollectionMethod: "Extracted by credit risk analytics; declined applications have no outcome, so one is inferred.",
		PersonalData: aims.PersonalDataYes, Licence: "Internal; covered by the credit privacy notice given to applicants",
		QualityNotes: "Outcomes of declined applicants are inferred (reject inference). Payment holidays granted in 2020 are " +
			"not counted as defaults. Sex, nationality and ethnic origin are not collected.",
		WindowStart: day("2019-01-01"), WindowEnd: day("2023-12-31"),
	}},
	{Dataset: aims.Dataset{
		Name:        "Loan applications 2024 holdout",
		Description: "Applications of 2024 with their outcome so far, kept apart for out-of-time testing.",
		Origin:      "Kestrel Finance loan origination system", CollectionMethod: "Same extract as the 2019-2023 data.",
		PersonalData: aims.PersonalDataYes, Licence: "Internal; covered by the credit privacy notice given to applicants",
		QualityNotes: "Outcomes for applications of the last quarter are observed for six months only.",
		WindowStart:  day("2024-01-01"), WindowEnd: day("2024-12-31"),
	}},
	{supplier: "Meridian Credit Data plc", Dataset: aims.Dataset{
		Name:        "Meridian bureau attributes",
		Description: "Credit bureau attributes of applicants: existing credit lines, arrears, enquiries.",
		Origin:      "Meridian Credit Data plc", CollectionMethod: "Retrieved per application through the bureau's interface, with the applicant's consent.",
		PersonalData: aims.PersonalDataYes, Licence: "Data licence agreement 2023-2026; use limited to credit decisions",
		QualityNotes: "Match rate 96 %; unmatched applicants are scored without bureau attributes and always go to a credit officer.",
		WindowStart:  day("2019-01-01"), WindowEnd: day("2024-12-31"),
	}},
	{Dataset: aims.Dataset{
		Name:        "Anonymised applications evaluation set 2024",
		Description: "1,200 past applications for 40 roles with the recruiters' shortlisting decisions.",
		Origin:      "Group HR applicant tracking system", CollectionMethod: "Names, photos, addresses and dates of birth removed before use; self-declared gender and age band kept apart for fairness checks.",
		PersonalData: aims.PersonalDataYes, Licence: "Internal; covered by the applicant privacy notice",
		QualityNotes: "Used to compare the suggested order with recruiters' decisions and to compare selection rates by gender " +
			"and age band. Roles in engineering are over-represented (45 %).",
		WindowStart: day("2024-01-01"), WindowEnd: day("2024-12-31"),
	}},
	{Dataset: aims.Dataset{
		Name:        "Customer service knowledge articles",
		Description: "The articles on orders, deliveries, invoices and returns that the chatbot answers from.",
		Origin:      "Customer service knowledge base", CollectionMethod: "Written and reviewed by the customer service team; synchronised nightly.",
		PersonalData: aims.PersonalDataNo, Licence: "Internal",
		QualityNotes: "Every article has an owner and a review date; articles past their review date are not served.",
	}},
	{Dataset: aims.Dataset{
		Name:        "Chat transcripts 2024, redacted",
		Description: "A sample of 5,000 customer conversations with the agents' resolutions, for testing answers and hand-overs.",
		Origin:      "Contact centre chat logs", CollectionMethod: "Names, emails, phone and order numbers masked automatically; 10 % checked by hand.",
		PersonalData: aims.PersonalDataYes, Licence: "Internal; covered by the customer privacy notice",
		QualityNotes: "Masking missed identifiers in 0.4 % of the checked conversations; those were fixed and the masking rules extended.",
		WindowStart:  day("2024-01-01"), WindowEnd: day("2024-12-31"),
	}},
	{Dataset: aims.Dataset{
		Name:        "PM3 press vibration and work orders 2021-2025",
		Description: "Vibration spectra and bearing temperatures of the press section, joined with maintenance work orders.",
		Origin:      "Online vibration monitoring and the maintenance management system", CollectionMethod: "Sensor data every 10 minutes; failure labels from closed work orders.",
		PersonalData: aims.PersonalDataNo, Licence: "Internal operational data",
		QualityNotes: "7 % of work orders had no failure code; the reliability engineer labelled them. Technician ids are removed.",
		WindowStart:  day("2021-01-01"), WindowEnd: day("2025-06-30"),
	}},
}

// systemSpec is a demo AI system with its owner and supplier named, and its
// model versions.
type systemSpec struct {
	aims.AISystem
	owner    string // email
	supplier string // name
	versions []versionSpec
}

// versionSpec is a model version; its digest is derived from the system
// and version, so every load gives the same one.
type versionSpec struct {
	version, source, summary, notes string
	status                          aims.ModelVersionStatus
	uses                            []use
	// later: delivered after the system was deployed, so it is registered
	// then (loadLaterVersions) and its registration re-opens the system's
	// deployment gate.
	later bool
}

type use struct {
	dataset string
	purpose aims.DatasetPurpose
}
