package aims

import (
	"strconv"
	"time"
)

// The audit trail's entity type of a due-diligence question.
const EntitySupplierQuestion = "supplier_question"

// SupplierQuestion is one question of the organization's own supplier
// due-diligence questionnaire (ISO/IEC 42001 A.10.3): how it is answered
// and how much it weighs in a supplier's score.
type SupplierQuestion struct {
	ID         string     `json:"id"`
	Question   string     `json:"question"`
	AnswerType AnswerType `json:"answer_type"`
	// Weight is the question's share of the score, 0 to 100; a text
	// answer is never scored.
	Weight    int       `json:"weight"`
	Guidance  string    `json:"guidance"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// AuditLabel names the question in the audit trail.
func (q *SupplierQuestion) AuditLabel() string { return q.Question }

// Normalize trims text fields.
func (q *SupplierQuestion) Normalize() {
	q.Question = CleanText(q.Question)
	q.Guidance = CleanText(q.Guidance)
}

// Validate checks the fields a person enters.
func (q *SupplierQuestion) Validate() error {
	var v Validation
	v.Required("question", q.Question)
	v.MaxLen("question", q.Question, 1000)
	if !q.AnswerType.IsValid() {
		v.Add("answer_type", "must be one of %s", joinValues(AnswerTypeValues()))
	}
	if q.Weight < 0 || q.Weight > 100 {
		v.Add("weight", "must be between 0 and 100")
	}
	v.MaxLen("guidance", q.Guidance, 5000)
	return v.Err()
}

// SupplierQuestionUpdate changes some fields of a question; nil means
// unchanged.
type SupplierQuestionUpdate struct {
	Question   *string     `json:"question,omitempty"`
	AnswerType *AnswerType `json:"answer_type,omitempty"`
	Weight     *int        `json:"weight,omitempty"`
	Guidance   *string     `json:"guidance,omitempty"`
}

// Apply returns a copy of q with the update's fields set.
func (u SupplierQuestionUpdate) Apply(q SupplierQuestion) SupplierQuestion {
	set(&q.Question, u.Question)
	set(&q.AnswerType, u.AnswerType)
	set(&q.Weight, u.Weight)
	set(&q.Guidance, u.Guidance)
	return q
}

// SupplierQuestionFilter selects questions.
type SupplierQuestionFilter struct {
	Search string
	Page
}

// AnswerType is how a due-diligence question is answered.
type AnswerType string

// The answer types.
const (
	AnswerYesNo AnswerType = "yes_no" // "yes" scores the full weight, "no" nothing
	AnswerScale AnswerType = "scale"  // 1 to 5; 5 scores the full weight, 1 nothing
	AnswerText  AnswerType = "text"   // free text, never scored
)

// AnswerTypeValues lists the answer types.
func AnswerTypeValues() []AnswerType { return []AnswerType{AnswerYesNo, AnswerScale, AnswerText} }

// IsValid reports whether t is a known answer type.
func (t AnswerType) IsValid() bool { return enumValid(t, AnswerTypeValues()) }

// Title is the answer type's name for people.
func (t AnswerType) Title() string {
	switch t {
	case AnswerYesNo:
		return "Yes or no"
	case AnswerScale:
		return "Scale of 1 to 5"
	case AnswerText:
		return "Text"
	}
	return string(t)
}

// CheckAnswer says what is wrong with value as an answer of type t, or "".
func (t AnswerType) CheckAnswer(value string) string {
	switch t {
	case AnswerYesNo:
		if value != "yes" && value != "no" {
			return "must be yes or no"
		}
	case AnswerScale:
		if n, err := strconv.Atoi(value); err != nil || n < 1 || n > 5 {
			return "must be a whole number from 1 to 5"
		}
	}
	return ""
}

// SupplierAnswer is a supplier's answer to one due-diligence question.
type SupplierAnswer struct {
	QuestionID string `json:"question_id"`
	Value      string `json:"value" doc:"yes or no; 1 to 5; or text, as the question's answer type says"`
	Note       string `json:"note,omitempty"`
}

// DueDiligence is a supplier's computed due-diligence result.
type DueDiligence struct {
	// Score is the weighted share of the best answers, 0 to 100; nil when
	// no question is scored.
	Score      *int `json:"score,omitempty" doc:"0 to 100, weighted by the questions' weights; absent when no question is scored"`
	Answered   int  `json:"answered" doc:"How many of the questionnaire's questions are answered"`
	Questions  int  `json:"questions" doc:"How many questions the questionnaire has"`
	Unanswered int  `json:"unanswered" doc:"Scored questions without an answer (they count as nothing)"`
}
