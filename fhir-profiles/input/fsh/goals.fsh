// Three profiles on R4 Goal: the client's voice, the therapist's voice, and what they share.

// Everything the three goal profiles have in common.
RuleSet: CommonGroundGoal
* insert CommonGroundMetadata
* meta.profile 1..* MS
* meta.profile ^short = "Declares the Common Ground profile this goal conforms to"
* extension contains
    $goal-acceptance named acceptance 0..* MS and
    $goal-relationship named relationship 0..* MS and
    GoalDivergence named divergence 0..* MS
* extension[acceptance] ^short = "Whether each party (client, therapist) agrees with this goal, and its priority for them"
* extension[relationship] ^short = "Links to other goals: counterpart (other), revision (replacement) or source of a shared goal (predecessor)"
* extension[divergence] ^short = "A named difference from the other party's goal, and how it is being worked through"
* lifecycleStatus MS
* description MS
* description.text 1..1 MS
* description.text.extension contains $translation named translation 0..* MS
* description.text.extension[translation] ^short = "The goal's text in another language (lang, content); never replaces the original words"
* subject MS
* subject only Reference(Patient)
* subject ^short = "The client whose therapy this goal belongs to"
* obeys cg-subject-patient

Invariant: cg-translation-lang
Description: "A translation of the goal's text is into another language than the one the goal was written in."
Expression: "language.empty() or description.text.extension('http://hl7.org/fhir/StructureDefinition/translation').extension('lang').value.all($this != %resource.language)"
Severity: #error

Invariant: cg-subject-patient
Description: "The goal belongs to a client: subject refers to a Patient."
Expression: "subject.all((reference.exists() implies (reference.startsWith('#') or reference.startsWith('urn:') or reference.matches('(^|/)(Patient)/[^/]+(/_history/[^/]+)?$'))) and (type.exists() implies (type = 'Patient')))"
Severity: #error

Invariant: cg-client-voice
Description: "A client goal is expressed by the client themself (Patient) or a person speaking for them (RelatedPerson), never by a clinician."
Expression: "expressedBy.all((reference.exists() implies (reference.startsWith('#') or reference.startsWith('urn:') or reference.matches('(^|/)(Patient|RelatedPerson)/[^/]+(/_history/[^/]+)?$'))) and (type.exists() implies (type = 'Patient' or type = 'RelatedPerson')))"
Severity: #error

Invariant: cg-clinician-voice
Description: "A therapist goal is expressed by a clinician (Practitioner or PractitionerRole)."
Expression: "expressedBy.all((reference.exists() implies (reference.startsWith('#') or reference.startsWith('urn:') or reference.matches('(^|/)(Practitioner|PractitionerRole)/[^/]+(/_history/[^/]+)?$'))) and (type.exists() implies (type = 'Practitioner' or type = 'PractitionerRole')))"
Severity: #error

Invariant: cg-shared-proposer
Description: "A shared goal is proposed by the client, a person speaking for them, or a clinician."
Expression: "expressedBy.all((reference.exists() implies (reference.startsWith('#') or reference.startsWith('urn:') or reference.matches('(^|/)(Patient|RelatedPerson|Practitioner|PractitionerRole)/[^/]+(/_history/[^/]+)?$'))) and (type.exists() implies (type = 'Patient' or type = 'RelatedPerson' or type = 'Practitioner' or type = 'PractitionerRole')))"
Severity: #error

Profile: ClientGoal
Parent: Goal
Id: client-goal
Title: "Client goal"
Description: "A goal for therapy in the client's own voice: stated by the client (or a person speaking for them, such as a parent), kept word for word in the language it was written in, with optional translations alongside. Clinicians never rewrite these words; where their view differs they record their own therapist goal and a divergence."
* insert CommonGroundGoal
* obeys cg-translation-lang and cg-client-voice
* language 1..1 MS
* language ^short = "The language the client wrote the goal in (e.g. es, en-GB)"
* expressedBy 1..1 MS
* expressedBy only Reference(Patient or RelatedPerson)
* expressedBy ^short = "The client (or a person speaking for them) who stated this goal"
* description.text ^short = "The client's own words, verbatim, in the goal's language"
* description.text ^definition = "The goal exactly as the client put it, in their own words and in the language given in Goal.language. Never edited by anyone else; translations go in the translation extension."

Profile: TherapistGoal
Parent: Goal
Id: therapist-goal
Title: "Therapist goal"
Description: "A goal for therapy as the clinician (therapist, psychologist, counsellor) sees it: their professional view of what the client should work towards. The client may accept it, question it, or hold a different goal; that is recorded with the goal-acceptance and goal-divergence extensions."
* insert CommonGroundGoal
* obeys cg-translation-lang and cg-clinician-voice
* expressedBy 1..1 MS
* expressedBy only Reference(Practitioner or PractitionerRole)
* expressedBy ^short = "The clinician who set this goal"
* description.text ^short = "The goal as the clinician states it"

Invariant: cg-shared-both-voices
Description: "A shared goal records the acceptance of both sides: at least one by the client (Patient or RelatedPerson) and at least one by a clinician (Practitioner or PractitionerRole)."
Expression: "extension('http://hl7.org/fhir/StructureDefinition/goal-acceptance').extension('individual').value.where(reference.matches('(^|/)(Patient|RelatedPerson)/[^/]+(/_history/[^/]+)?$') or type = 'Patient' or type = 'RelatedPerson').exists() and extension('http://hl7.org/fhir/StructureDefinition/goal-acceptance').extension('individual').value.where(reference.matches('(^|/)(Practitioner|PractitionerRole)/[^/]+(/_history/[^/]+)?$') or type = 'Practitioner' or type = 'PractitionerRole').exists()"
Severity: #error

Invariant: cg-shared-active-agreed
Description: "A shared goal is active only when every party has agreed to it (every goal-acceptance status is 'agree')."
Expression: "lifecycleStatus = 'active' implies extension('http://hl7.org/fhir/StructureDefinition/goal-acceptance').all(extension('status').value = 'agree')"
Severity: #error

Profile: SharedGoal
Parent: Goal
Id: shared-goal
Title: "Shared goal"
Description: "A goal the client and the clinician have agreed to work towards together: common ground. Either of them may have proposed it; it carries the acceptance of both, and it becomes active only once everyone has agreed. Usually linked (predecessor) to the client goal and the therapist goal it was agreed from."
* insert CommonGroundGoal
* obeys cg-shared-both-voices and cg-shared-active-agreed and cg-translation-lang and cg-shared-proposer
* expressedBy 0..1 MS
* expressedBy only Reference(Patient or RelatedPerson or Practitioner or PractitionerRole)
* expressedBy ^short = "Who proposed the shared goal (client or clinician)"
* extension[acceptance] 2..*
* extension[acceptance] ^short = "Each party's acceptance: at least the client's and the clinician's"
* extension[acceptance].extension[status] 1..1
* description.text ^short = "The goal in the words both parties accepted"
