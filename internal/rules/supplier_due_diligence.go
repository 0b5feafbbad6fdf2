package rules

import (
	"math"
	"strconv"

	"github.com/aimsproject/aims/internal/aims"
)

// DueDiligenceScore scores a supplier's answers to the organization's
// due-diligence questionnaire (ISO/IEC 42001 A.10.3). Each scored question
// (yes or no, or a scale of 1 to 5, with a weight above 0) earns a share
// of its weight: yes all of it and no nothing; on the scale, 5 all of it,
// 1 nothing and the steps between in quarters. The score is the earned
// weight over the whole scored weight, 0 to 100, rounded to the nearest
// whole number; an unanswered scored question earns nothing, so a
// supplier cannot score well by leaving the hard questions open. Text
// questions are counted as answered or not but never scored. Answers to
// questions the questionnaire no longer has are ignored. No scored
// question gives no score.
func DueDiligenceScore(questions []*aims.SupplierQuestion, answers []aims.SupplierAnswer) aims.DueDiligence {
	byID := make(map[string]aims.SupplierAnswer, len(answers))
	for _, a := range answers {
		byID[a.QuestionID] = a
	}
	out := aims.DueDiligence{Questions: len(questions)}
	var earned, total float64
	for _, q := range questions {
		a, answered := byID[q.ID]
		answered = answered && a.Value != "" && q.AnswerType.CheckAnswer(a.Value) == ""
		if answered {
			out.Answered++
		}
		if q.AnswerType == aims.AnswerText || q.Weight <= 0 {
			continue
		}
		total += float64(q.Weight)
		if !answered {
			out.Unanswered++
			continue
		}
		earned += float64(q.Weight) * answerPoints(q.AnswerType, a.Value)
	}
	if total > 0 {
		s := int(math.Round(100 * earned / total))
		out.Score = &s
	}
	return out
}

// answerPoints is the share of its weight an answer earns, 0 to 1.
func answerPoints(t aims.AnswerType, value string) float64 {
	switch t {
	case aims.AnswerYesNo:
		if value == "yes" {
			return 1
		}
	case aims.AnswerScale:
		n, _ := strconv.Atoi(value)
		return float64(n-1) / 4
	}
	return 0
}
