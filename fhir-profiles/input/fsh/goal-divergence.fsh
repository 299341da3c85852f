Extension: GoalDivergence
Id: goal-divergence
Title: "Goal divergence"
Description: "A named difference between a client's goal and their therapist's goal: which goal it is measured against (the counterpart), where they differ (the dimensions), how far it has been worked through (the status), who named it and when, each strategy applied to work through it, and notes. Recorded once, on the client's goal, with the therapist's goal as the counterpart."
Context: Goal
* insert CommonGroundMetadata
* extension contains
    counterpart 1..1 MS and
    dimension 1..* MS and
    status 1..1 MS and
    identified 0..1 and
    identifiedBy 0..1 and
    strategy 0..* MS and
    note 0..*

* extension[counterpart] ^short = "The other party's goal"
* extension[counterpart] ^definition = "The goal this one diverges from: on a client goal, the therapist's goal about the same concern (and vice versa)."
* extension[counterpart].value[x] 1..1
* extension[counterpart].value[x] only Reference(Goal)

* extension[dimension] ^short = "Where they differ"
* extension[dimension] ^definition = "The dimension(s) along which the client's and the therapist's goals differ, e.g. different perspectives or client readiness. Several may apply at once."
* extension[dimension].value[x] 1..1
* extension[dimension].value[x] only Coding
* extension[dimension].value[x] from DivergenceDimensionVS (required)

* extension[status] ^short = "identified | exploring | common-ground | agreed-to-differ | superseded"
* extension[status] ^definition = "How far the divergence has been worked through."
* extension[status].value[x] 1..1
* extension[status].value[x] only code
* extension[status].value[x] from DivergenceStatusVS (required)

* extension[identified] ^short = "When the divergence was named"
* extension[identified].value[x] 1..1
* extension[identified].value[x] only dateTime

* extension[identifiedBy] ^short = "Who named the divergence"
* extension[identifiedBy] ^definition = "The client, their related person, or the clinician who first named the difference."
* extension[identifiedBy].value[x] 1..1
* extension[identifiedBy].value[x] only Reference(Patient or RelatedPerson or Practitioner or PractitionerRole)

* extension[strategy] ^short = "A strategy applied to work through the divergence"
* extension[strategy] ^definition = "One application of an alignment strategy (e.g. open communication, collaboration): which strategy, when, by whom, with an optional note. Logged each time it is used."
* extension[strategy].extension contains
    code 1..1 MS and
    date 1..1 MS and
    author 1..1 MS and
    note 0..1
* extension[strategy].extension[code] ^short = "Which strategy"
* extension[strategy].extension[code].value[x] 1..1
* extension[strategy].extension[code].value[x] only Coding
* extension[strategy].extension[code].value[x] from AlignmentStrategyVS (required)
* extension[strategy].extension[date] ^short = "When it was applied"
* extension[strategy].extension[date].value[x] 1..1
* extension[strategy].extension[date].value[x] only dateTime
* extension[strategy].extension[author] ^short = "Who applied it"
* extension[strategy].extension[author].value[x] 1..1
* extension[strategy].extension[author].value[x] only Reference(Patient or RelatedPerson or Practitioner or PractitionerRole)
* extension[strategy].extension[note] ^short = "What was done or agreed"
* extension[strategy].extension[note].value[x] 1..1
* extension[strategy].extension[note].value[x] only string

* extension[note] ^short = "Notes on the divergence"
* extension[note] ^definition = "Free-text notes on the divergence, with author and time."
* extension[note].value[x] 1..1
* extension[note].value[x] only Annotation
