// Example content: two clients, one therapist, their goals, and the divergences between them.
// Deliberately invalid examples live in src/test/resources/invalid/ (JSON), not here.

// ---------------------------------------------------------------------------------------------
// People
// ---------------------------------------------------------------------------------------------

Instance: client-sam
InstanceOf: Patient
Title: "Sam Rivers, a client"
Description: "An English-speaking adult client in outpatient therapy for anxiety."
Usage: #example
* identifier.use = #usual
* identifier.type = $v2-0203#MR "Medical record number"
* identifier.system = "https://ehr.example.org/fhir/mrn"
* identifier.value = "MRN-204817"
* name.given = "Sam"
* name.family = "Rivers"
* gender = #other
* birthDate = "1991-07-22"
* communication.language = urn:ietf:bcp:47#en "English"
* communication.preferred = true

Instance: client-lucia
InstanceOf: Patient
Title: "Lucía Fernández, a client"
Description: "A Spanish-speaking adult client who writes her goals in Spanish."
Usage: #example
* identifier.use = #usual
* identifier.type = $v2-0203#MR "Medical record number"
* identifier.system = "https://ehr.example.org/fhir/mrn"
* identifier.value = "MRN-311092"
* name.given = "Lucía"
* name.family = "Fernández"
* gender = #female
* birthDate = "1986-02-11"
* communication[0].language = urn:ietf:bcp:47#es "Spanish"
* communication[0].preferred = true
* communication[1].language = urn:ietf:bcp:47#en "English"

Instance: therapist-okafor
InstanceOf: Practitioner
Title: "Dr Ada Okafor, a clinical psychologist"
Description: "The therapist of both example clients."
Usage: #example
* identifier.system = "https://ehr.example.org/fhir/staff"
* identifier.value = "PSY-0042"
* name.prefix = "Dr"
* name.given = "Ada"
* name.family = "Okafor"
* qualification.code.text = "Clinical psychologist"

// ---------------------------------------------------------------------------------------------
// Sam: a client goal and a therapist goal about the same thing, and the shared goal they reached
// ---------------------------------------------------------------------------------------------

Instance: client-goal-sunday-nights
InstanceOf: ClientGoal
Title: "Client goal: stop drowning on Sunday nights"
Description: "Sam's goal in Sam's own words. Sam and the therapist named the divergence from the therapist's anxiety-plan goal, worked through it with two strategies, and found common ground in a shared goal."
Usage: #example
* meta.profile = Canonical(ClientGoal)
* language = #en
* lifecycleStatus = #active
* achievementStatus = $goal-achievement#in-progress "In Progress"
* description.text = "I want to stop feeling like I'm drowning every Sunday night"
* subject = Reference(client-sam)
* expressedBy = Reference(client-sam)
* startDate = "2025-03-04"
// Who accepts it, and how much it matters to them
* extension[acceptance][0].extension[individual].valueReference = Reference(client-sam)
* extension[acceptance][0].extension[status].valueCode = #agree
* extension[acceptance][0].extension[priority].valueCodeableConcept = $goal-priority#high-priority "High Priority"
* extension[acceptance][1].extension[individual].valueReference = Reference(therapist-okafor)
* extension[acceptance][1].extension[status].valueCode = #agree
// The therapist's goal about the same concern
* extension[relationship].extension[type].valueCodeableConcept = $goal-relationship-type#other "Other"
* extension[relationship].extension[target].valueReference = Reference(therapist-goal-anxiety-plan)
// The divergence, as named and worked through
* extension[divergence].extension[counterpart].valueReference = Reference(therapist-goal-anxiety-plan)
* extension[divergence].extension[dimension][0].valueCoding = DivergenceDimension#different-perspectives "Different perspectives"
* extension[divergence].extension[dimension][1].valueCoding = DivergenceDimension#miscommunication "Miscommunication"
* extension[divergence].extension[status].valueCode = #common-ground
* extension[divergence].extension[identified].valueDateTime = "2025-03-04T10:40:00+01:00"
* extension[divergence].extension[identifiedBy].valueReference = Reference(therapist-okafor)
* extension[divergence].extension[strategy][0].extension[code].valueCoding = AlignmentStrategy#open-communication "Open communication"
* extension[divergence].extension[strategy][0].extension[date].valueDateTime = "2025-03-04T10:45:00+01:00"
* extension[divergence].extension[strategy][0].extension[author].valueReference = Reference(therapist-okafor)
* extension[divergence].extension[strategy][0].extension[note].valueString = "Sam described what Sunday nights are like; I shared that I see anticipatory anxiety about the work week behind them."
* extension[divergence].extension[strategy][1].extension[code].valueCoding = AlignmentStrategy#collaboration "Collaboration"
* extension[divergence].extension[strategy][1].extension[date].valueDateTime = "2025-03-18T10:30:00+01:00"
* extension[divergence].extension[strategy][1].extension[author].valueReference = Reference(client-sam)
* extension[divergence].extension[strategy][1].extension[note].valueString = "We wrote a goal together about calmer Sunday evenings that uses the worry-time plan."
* extension[divergence].extension[note].valueAnnotation.authorReference = Reference(therapist-okafor)
* extension[divergence].extension[note].valueAnnotation.time = "2025-03-04T11:00:00+01:00"
* extension[divergence].extension[note].valueAnnotation.text = "Sam hears 'anxiety management plan' as clinical language about work; what matters to Sam is the feeling on Sunday nights."

Instance: therapist-goal-anxiety-plan
InstanceOf: TherapistGoal
Title: "Therapist goal: anxiety management plan"
Description: "The therapist's goal for Sam: practise an anxiety management plan and bring the GAD-7 score below 10. Sam has not yet accepted it."
Usage: #example
* meta.profile = Canonical(TherapistGoal)
* language = #en
* lifecycleStatus = #active
* category = $goal-category#behavioral "Behavioral"
* description.text = "Reduce anticipatory anxiety about the work week: practise the agreed anxiety management plan (paced breathing, scheduled worry time on Sunday afternoon, graded exposure to Monday tasks) on at least 5 days a week, with a GAD-7 score below 10 within 12 weeks."
* subject = Reference(client-sam)
* expressedBy = Reference(therapist-okafor)
* startDate = "2025-03-04"
* target.measure = $loinc#70274-6 "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]"
* target.detailQuantity.comparator = #<
* target.detailQuantity.value = 10
* target.detailQuantity.unit = "score"
* target.dueDate = "2025-05-27"
* extension[acceptance][0].extension[individual].valueReference = Reference(therapist-okafor)
* extension[acceptance][0].extension[status].valueCode = #agree
* extension[acceptance][0].extension[priority].valueCodeableConcept = $goal-priority#high-priority "High Priority"
* extension[acceptance][1].extension[individual].valueReference = Reference(client-sam)
* extension[acceptance][1].extension[status].valueCode = #pending
* extension[relationship].extension[type].valueCodeableConcept = $goal-relationship-type#other "Other"
* extension[relationship].extension[target].valueReference = Reference(client-goal-sunday-nights)

Instance: shared-goal-calmer-sundays
InstanceOf: SharedGoal
Title: "Shared goal: calmer Sunday evenings"
Description: "The common ground Sam and the therapist reached, proposed by Sam and accepted by both, linked to the two goals it was agreed from."
Usage: #example
* meta.profile = Canonical(SharedGoal)
* language = #en
* lifecycleStatus = #active
* achievementStatus = $goal-achievement#in-progress "In Progress"
* description.text = "Sunday evenings feel calmer: I notice the drowning feeling early and use worry time and paced breathing before it takes over."
* subject = Reference(client-sam)
* expressedBy = Reference(client-sam)
* startDate = "2025-03-18"
* extension[acceptance][0].extension[individual].valueReference = Reference(client-sam)
* extension[acceptance][0].extension[status].valueCode = #agree
* extension[acceptance][0].extension[priority].valueCodeableConcept = $goal-priority#high-priority "High Priority"
* extension[acceptance][1].extension[individual].valueReference = Reference(therapist-okafor)
* extension[acceptance][1].extension[status].valueCode = #agree
* extension[acceptance][1].extension[priority].valueCodeableConcept = $goal-priority#high-priority "High Priority"
* extension[relationship][0].extension[type].valueCodeableConcept = $goal-relationship-type#predecessor "Predecessor"
* extension[relationship][0].extension[target].valueReference = Reference(client-goal-sunday-nights)
* extension[relationship][1].extension[type].valueCodeableConcept = $goal-relationship-type#predecessor "Predecessor"
* extension[relationship][1].extension[target].valueReference = Reference(therapist-goal-anxiety-plan)

// ---------------------------------------------------------------------------------------------
// Lucía: a goal in Spanish, a therapist goal she does not share, an agreement to differ,
// and a shared goal still waiting for her answer
// ---------------------------------------------------------------------------------------------

Instance: client-goal-hablar-con-mi-madre
InstanceOf: ClientGoal
Title: "Client goal in Spanish, with an English translation"
Description: "Lucía's goal, kept verbatim in Spanish, with an English translation alongside. She and the therapist agreed to differ about the therapist's boundaries goal."
Usage: #example
* meta.profile = Canonical(ClientGoal)
* language = #es
* lifecycleStatus = #active
* description.text = "Quiero poder hablar con mi madre sin que terminemos gritando."
* description.text.extension[translation].extension[lang].valueCode = #en
* description.text.extension[translation].extension[content].valueString = "I want to be able to talk with my mother without us ending up shouting."
* subject = Reference(client-lucia)
* expressedBy = Reference(client-lucia)
* startDate = "2025-04-02"
* extension[acceptance].extension[individual].valueReference = Reference(client-lucia)
* extension[acceptance].extension[status].valueCode = #agree
* extension[acceptance].extension[priority].valueCodeableConcept = $goal-priority#high-priority "High Priority"
* extension[relationship].extension[type].valueCodeableConcept = $goal-relationship-type#other "Other"
* extension[relationship].extension[target].valueReference = Reference(therapist-goal-boundaries)
* extension[divergence].extension[counterpart].valueReference = Reference(therapist-goal-boundaries)
* extension[divergence].extension[dimension][0].valueCoding = DivergenceDimension#cultural-differences "Cultural differences"
* extension[divergence].extension[dimension][1].valueCoding = DivergenceDimension#client-readiness "Client readiness"
* extension[divergence].extension[status].valueCode = #agreed-to-differ
* extension[divergence].extension[identified].valueDateTime = "2025-04-02T16:10:00+02:00"
* extension[divergence].extension[identifiedBy].valueReference = Reference(client-lucia)
* extension[divergence].extension[strategy][0].extension[code].valueCoding = AlignmentStrategy#educate-and-explore "Educate and explore"
* extension[divergence].extension[strategy][0].extension[date].valueDateTime = "2025-04-16T16:00:00+02:00"
* extension[divergence].extension[strategy][0].extension[author].valueReference = Reference(therapist-okafor)
* extension[divergence].extension[strategy][0].extension[note].valueString = "Explained why I suggested limits; Lucía explained that in her family decisions are made together and that distance from her mother is not what she wants."
* extension[divergence].extension[strategy][1].extension[code].valueCoding = AlignmentStrategy#empower-the-client "Empower the client"
* extension[divergence].extension[strategy][1].extension[date].valueDateTime = "2025-04-30T16:00:00+02:00"
* extension[divergence].extension[strategy][1].extension[author].valueReference = Reference(therapist-okafor)
* extension[divergence].extension[strategy][1].extension[note].valueString = "We keep working on Lucía's goal as she put it; the boundaries goal stays on record for a later review."
* extension[divergence].extension[note].valueAnnotation.authorReference = Reference(client-lucia)
* extension[divergence].extension[note].valueAnnotation.time = "2025-04-30T16:20:00+02:00"
* extension[divergence].extension[note].valueAnnotation.text = "No quiero alejarme de mi madre; quiero que podamos hablar. (I do not want distance from my mother; I want us to be able to talk.)"

Instance: therapist-goal-boundaries
InstanceOf: TherapistGoal
Title: "Therapist goal the client disagrees with"
Description: "The therapist's goal for Lucía about boundaries with her mother; Lucía disagrees with it, and both agreed to differ."
Usage: #example
* meta.profile = Canonical(TherapistGoal)
* language = #en
* lifecycleStatus = #on-hold
* category = $goal-category#behavioral "Behavioral"
* description.text = "Lucía sets and keeps limits on how much her mother decides about her daily life, and can say no without feeling guilty for days afterwards."
* subject = Reference(client-lucia)
* expressedBy = Reference(therapist-okafor)
* startDate = "2025-04-02"
* extension[acceptance][0].extension[individual].valueReference = Reference(therapist-okafor)
* extension[acceptance][0].extension[status].valueCode = #agree
* extension[acceptance][1].extension[individual].valueReference = Reference(client-lucia)
* extension[acceptance][1].extension[status].valueCode = #disagree
* extension[relationship].extension[type].valueCodeableConcept = $goal-relationship-type#other "Other"
* extension[relationship].extension[target].valueReference = Reference(client-goal-hablar-con-mi-madre)

Instance: shared-goal-weekly-call
InstanceOf: SharedGoal
Title: "Shared goal proposed, waiting for the client's acceptance"
Description: "A shared goal the therapist proposed to Lucía, worded in Spanish; it stays proposed until she agrees."
Usage: #example
* meta.profile = Canonical(SharedGoal)
* language = #es
* lifecycleStatus = #proposed
* description.text = "Una llamada tranquila por semana con mi madre, y yo decido cuándo termina."
* description.text.extension[translation].extension[lang].valueCode = #en
* description.text.extension[translation].extension[content].valueString = "One calm phone call a week with my mother, and I decide when it ends."
* subject = Reference(client-lucia)
* expressedBy = Reference(therapist-okafor)
* extension[acceptance][0].extension[individual].valueReference = Reference(therapist-okafor)
* extension[acceptance][0].extension[status].valueCode = #agree
* extension[acceptance][1].extension[individual].valueReference = Reference(client-lucia)
* extension[acceptance][1].extension[status].valueCode = #pending
* extension[relationship].extension[type].valueCodeableConcept = $goal-relationship-type#predecessor "Predecessor"
* extension[relationship].extension[target].valueReference = Reference(client-goal-hablar-con-mi-madre)
