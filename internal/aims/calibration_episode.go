package aims

import "time"

// OutOfCalibrationEpisode is one stretch of time in which an instrument
// behind decisions' inputs was out of calibration, with how many decisions
// named one of its tags then: what an incident review takes up one at a
// time (ISO/IEC 42001 A.6.2.8, A.7.4).
type OutOfCalibrationEpisode struct {
	InstrumentID   string    `json:"instrument_id"`
	InstrumentName string    `json:"instrument_name"`
	Tags           []string  `json:"tags" nullable:"false" doc:"The instrument's tags that decisions named in the period"`
	Period         Period    `json:"period" doc:"The out-of-calibration period"`
	Decisions      int       `json:"decisions" doc:"Decisions that named one of the tags in the period, each counted once"`
	Overridden     int       `json:"overridden" doc:"Of those, the ones a person overrode"`
	FirstDecidedAt time.Time `json:"first_decided_at"`
	LastDecidedAt  time.Time `json:"last_decided_at"`
}
