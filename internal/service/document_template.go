package service

import (
	"strings"

	"github.com/aimsproject/aims/internal/aims"
)

// aiPolicyTemplate is the starting text of an AI policy (ISO/IEC 42001
// 5.2, A.2.2), written for aims in our own words. An organization edits
// it into its own before submitting it for approval.
const aiPolicyTemplate = `# AI policy of ORGANIZATION

## Purpose

This policy says why and how ORGANIZATION develops, buys and uses artificial intelligence: to
serve its business purpose while protecting the people its AI systems affect, and to keep the
trust of its customers, employees, regulators and the public. It applies to every AI system in
the scope of our AI management system.

## Our commitments

- **Meeting requirements.** We meet the legal, regulatory and contractual requirements that
  apply to our AI systems, and the requirements of interested parties that we have accepted.
- **Continual improvement.** We review how well our AI management system works, learn from
  incidents, audits and reviews, and improve it.
- **Responsible use.** Each AI system has a named owner with the authority to stop it. We
  assess risks and impacts on people before deployment and when a system changes, and keep a
  person able to oversee and override decisions that matter.

## Objectives

Top management sets measurable AI objectives each year, consistent with this policy, and
reviews progress against them in the management review. Objectives are recorded in the AI
management system with an owner, a target and a due date.

## Relation to our other policies

This policy works with, and does not repeat, our information security policy, our privacy
policy and our quality policy. Where an AI system handles personal data or runs on our
networks, those policies apply as well; the AI controls extend them.

## Roles and responsibilities

The AIMS manager keeps this policy and the management system up to date. Owners of AI systems
apply it to their systems. Everyone who works with AI on our behalf reads this policy and
acknowledges it.

## Review

This policy is reviewed at least once a year, and after any significant change in our use of
AI, in the law, or in our organization.
`

// DocumentTemplate is the starting text for a new document of type t in
// organization org: the AI policy has a template in our own words; the
// others start empty.
func DocumentTemplate(t aims.DocumentType, org string) string {
	if t == aims.DocAIPolicy {
		return strings.ReplaceAll(aiPolicyTemplate, "ORGANIZATION", org)
	}
	return ""
}
