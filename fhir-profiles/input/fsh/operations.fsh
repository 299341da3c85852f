// The FHIR operations of Common Ground's divergence feature, and the two code systems their
// results and Provenance use. Each operation takes and returns FHIR Parameters (or the changed Goal);
// see docs/divergence.md for examples.

RuleSet: Operation(id, code, resource, instance, type, affects, title)
* url = "https://commonground.health/fhir/OperationDefinition/{id}"
* version = "0.1.0"
* name = "{id}"
* title = {title}
* status = #draft
* publisher = "Common Ground"
* kind = #operation
* code = #{code}
* resource[0] = #{resource}
* system = false
* type = {type}
* instance = {instance}
* affectsState = {affects}

RuleSet: In(name, min, max, type, doc)
* parameter[+].name = #{name}
* parameter[=].use = #in
* parameter[=].min = {min}
* parameter[=].max = "{max}"
* parameter[=].type = #{type}
* parameter[=].documentation = {doc}

RuleSet: Out(name, min, max, type, doc)
* parameter[+].name = #{name}
* parameter[=].use = #out
* parameter[=].min = {min}
* parameter[=].max = "{max}"
* parameter[=].type = #{type}
* parameter[=].documentation = {doc}

RuleSet: Part(name, min, max, type, doc)
* parameter[=].part[+].name = #{name}
* parameter[=].part[=].use = #out
* parameter[=].part[=].min = {min}
* parameter[=].part[=].max = "{max}"
* parameter[=].part[=].type = #{type}
* parameter[=].part[=].documentation = {doc}

// A part that itself has parts (SubPart), inside the current parameter.
RuleSet: NestedPart(name, min, max, doc)
* parameter[=].part[+].name = #{name}
* parameter[=].part[=].use = #out
* parameter[=].part[=].min = {min}
* parameter[=].part[=].max = "{max}"
* parameter[=].part[=].documentation = {doc}

RuleSet: SubPart(name, min, max, type, doc)
* parameter[=].part[=].part[+].name = #{name}
* parameter[=].part[=].part[=].use = #out
* parameter[=].part[=].part[=].min = {min}
* parameter[=].part[=].part[=].max = "{max}"
* parameter[=].part[=].part[=].type = #{type}
* parameter[=].part[=].part[=].documentation = {doc}

RuleSet: IfMatch
* comment = "Send If-Match: W/\"n\" to apply the change only to version n of the goal (412 otherwise). The change is written as a new version of each goal it touches, with a Provenance naming the acting user and what the change meant."

// An open divergence, as $divergences and $alignment report it.
RuleSet: DivergenceParts
* insert Part(kind, 1, 1, code, [["recorded (named by someone, with a status) or detected (noticed by a rule)"]])
* insert Part(goal, 1, 1, Reference, [["The goal the divergence is recorded on or detected for"]])
* insert Part(goalDescription, 0, 1, string, [["The goal's wording (first 200 characters)"]])
* insert Part(counterpart, 0, 1, Reference, [["The other party's goal"]])
* insert Part(status, 0, 1, code, [["Recorded divergences: identified or exploring (divergence-status)"]])
* insert Part(dimension, 0, *, Coding, [["Recorded divergences: where the goals differ (divergence-dimension)"]])
* insert Part(strategyCount, 0, 1, integer, [["Recorded divergences: how many strategies have been applied"]])
* insert Part(rule, 0, 1, Coding, [["Detected divergences: the rule that found it (divergence-rule)"]])
* insert Part(since, 0, 1, instant, [["When it was named, or when the situation began"]])
* insert Part(ageDays, 1, 1, integer, [["Whole days since then"]])
* insert Part(explanation, 1, 1, string, [["One sentence a clinician or client can read"]])

Instance: goal-link
InstanceOf: OperationDefinition
Usage: #definition
* insert Operation(goal-link, link, Goal, true, false, true, [["Link a client goal and a therapist goal"]])
* description = "Links a client goal and a therapist goal of the same client as counterparts: goal-relationship type 'other' on both goals."
* insert IfMatch
* insert In(counterpart, 1, 1, Reference, [["The other party's goal (Goal/[id])"]])
* insert Out(goal, 2, 2, Goal, [["Both goals as written"]])

Instance: goal-name-divergence
InstanceOf: OperationDefinition
Usage: #definition
* insert Operation(goal-name-divergence, name-divergence, Goal, true, false, true, [["Name a divergence"]])
* description = "Names a divergence between a client goal and a therapist goal (invoked on either). It is recorded on the client goal (goal-divergence extension) with the therapist goal as counterpart, status identified, who named it and when; the goals are linked if they were not. 422 if an open divergence between them already exists."
* insert IfMatch
* insert In(counterpart, 0, 1, Reference, [["The other party's goal; may be left out when the goal has exactly one linked counterpart"]])
* insert In(dimension, 1, *, code, [["Where the goals differ (divergence-dimension)"]])
* insert In(note, 0, 1, string, [["A note on the divergence"]])
* insert Out(return, 1, 1, Goal, [["The client goal as written"]])

Instance: goal-log-strategy
InstanceOf: OperationDefinition
Usage: #definition
* insert Operation(goal-log-strategy, log-strategy, Goal, true, false, true, [["Log a strategy"]])
* description = "Logs one application of an alignment strategy to an open divergence recorded on, or against, this goal. The author is the acting user. 422 on a divergence that has ended."
* insert IfMatch
* insert In(counterpart, 0, 1, Reference, [["Which divergence, when the goal has several"]])
* insert In(strategy, 1, 1, code, [["The strategy (alignment-strategy)"]])
* insert In(date, 0, 1, dateTime, [["When it was applied; now when left out"]])
* insert In(note, 0, 1, string, [["What was done or agreed"]])
* insert Out(return, 1, 1, Goal, [["The goal carrying the divergence, as written"]])

Instance: goal-move-divergence
InstanceOf: OperationDefinition
Usage: #definition
* insert Operation(goal-move-divergence, move-divergence, Goal, true, false, true, [["Move a divergence to a new status"]])
* description = "Moves a divergence recorded on, or against, this goal along its status machine: identified -> exploring -> common-ground | agreed-to-differ; identified or exploring -> superseded only when a goal is replaced (use $revise). Any other move is refused with 422 and an OperationOutcome that lists the moves allowed from the current status. Plain PUTs of a Goal are held to the same rules."
* insert IfMatch
* insert In(counterpart, 0, 1, Reference, [["Which divergence, when the goal has several"]])
* insert In(status, 1, 1, code, [["The new status (divergence-status)"]])
* insert In(note, 0, 1, string, [["Why; added as a note on the divergence"]])
* insert Out(return, 1, 1, Goal, [["The goal carrying the divergence, as written"]])

Instance: goal-align
InstanceOf: OperationDefinition
Usage: #definition
* insert Operation(goal-align, align, Goal, false, true, true, [["Propose a shared goal"]])
* description = "Proposes a SharedGoal agreed from a client goal and a therapist goal: the wording is the proposer's (the acting user becomes expressedBy), both parties' goal-acceptance start pending and the goal is proposed; it becomes active only when both agree ($accept). The shared goal points to both sources (goal-relationship predecessor), the sources point to it (successor), and their open divergence moves to common-ground (through exploring; both steps are in the history)."
* insert In(clientGoal, 1, 1, Reference, [["The client goal"]])
* insert In(therapistGoal, 1, 1, Reference, [["The therapist goal"]])
* insert In(description, 1, 1, string, [["The proposed wording of the shared goal"]])
* insert In(language, 0, 1, code, [["The language of the wording"]])
* insert Out(return, 1, 1, Goal, [["The proposed shared goal"]])

Instance: goal-accept
InstanceOf: OperationDefinition
Usage: #definition
* insert Operation(goal-accept, accept, Goal, true, false, true, [["Accept or decline a goal"]])
* description = "Records the acting user's own acceptance of a goal (goal-acceptance): agree or disagree. Nobody sets another party's acceptance (403). On a shared goal only its parties answer; it becomes active when every party agrees and returns to proposed when one no longer does. Two parties answering at the same moment are serialised: no answer is lost."
* insert IfMatch
* insert In(status, 1, 1, code, [["agree | disagree"]])
* insert In(individual, 0, 1, Reference, [["Whose acceptance: must be the acting user; required only for system requests with no user"]])
* insert Out(return, 1, 1, Goal, [["The goal as written"]])

Instance: goal-revise
InstanceOf: OperationDefinition
Usage: #definition
* insert Operation(goal-revise, revise, Goal, true, false, true, [["Revise a goal"]])
* description = "Replaces a goal by a new one as it evolves. The new goal (same client, same voice) is created; the old one ends (completed or cancelled) and points to it with goal-relationship 'replacement', so the chain stays readable (search Goal?linked-goal=Goal/[new]). Open divergences on or against the old goal must be handled explicitly: carry-over (they continue on, or against, the new goal; the old entries become superseded with a note) or supersede (they end). A client's goal is revised only by the client, a therapist goal only by a clinician."
* insert IfMatch
* insert In(goal, 1, 1, Goal, [["The new goal"]])
* insert In(oldLifecycleStatus, 0, 1, code, [["completed | cancelled (default cancelled)"]])
* insert In(divergences, 0, 1, code, [["carry-over | supersede; required when the goal has open divergences"]])
* insert Out(old, 1, 1, Goal, [["The old goal as written"]])
* insert Out(new, 1, 1, Goal, [["The new goal as written"]])

Instance: patient-divergences
InstanceOf: OperationDefinition
Usage: #definition
* insert Operation(patient-divergences, divergences, Patient, true, false, false, [["Open divergences of a client"]])
* description = "Every open divergence of a client: the recorded ones (identified or exploring) and the detected ones, each citing its rule (divergence-rule): a therapist goal the client has declined or left pending longer than the configured time, a client goal with no linked therapist goal and the reverse, a shared goal one party has declined. Oldest first."
* insert Out(patient, 1, 1, Reference, [["The client"]])
* parameter[+].name = #divergence
* parameter[=].use = #out
* parameter[=].min = 0
* parameter[=].max = "*"
* parameter[=].documentation = "One open divergence"
* insert DivergenceParts

Instance: patient-alignment
InstanceOf: OperationDefinition
Usage: #definition
* insert Operation(patient-alignment, alignment, Patient, true, false, false, [["Alignment summary of a client"]])
* description = "Where a client and their clinician stand: open divergences by dimension and by status (identified, exploring, detected), their age, shared goals (active, proposed) versus separate goals, and a short list to discuss next session (most diverged first, then oldest), followed by every open divergence."
* insert Out(patient, 1, 1, Reference, [["The client"]])
* insert Out(openDivergences, 1, 1, integer, [["How many open divergences"]])
* insert Out(oldestOpenDays, 1, 1, integer, [["Age in days of the oldest open divergence"]])
* insert Out(medianOpenDays, 1, 1, integer, [["Median age in days of the open divergences"]])
* insert Out(sharedGoalsActive, 1, 1, integer, [["Shared goals both parties agreed"]])
* insert Out(sharedGoalsProposed, 1, 1, integer, [["Shared goals still waiting for an answer"]])
* insert Out(separateClientGoals, 1, 1, integer, [["Current client goals not part of a shared goal"]])
* insert Out(separateTherapistGoals, 1, 1, integer, [["Current therapist goals not part of a shared goal"]])
* parameter[+].name = #byDimension
* parameter[=].use = #out
* parameter[=].min = 0
* parameter[=].max = "*"
* parameter[=].documentation = "Open recorded divergences per dimension"
* insert Part(dimension, 1, 1, Coding, [["The dimension"]])
* insert Part(count, 1, 1, integer, [["How many"]])
* parameter[+].name = #byStatus
* parameter[=].use = #out
* parameter[=].min = 0
* parameter[=].max = "*"
* parameter[=].documentation = "Open divergences per status; detected ones under 'detected'"
* insert Part(status, 1, 1, code, [["identified | exploring | detected"]])
* insert Part(count, 1, 1, integer, [["How many"]])
* parameter[+].name = #toDiscuss
* parameter[=].use = #out
* parameter[=].min = 0
* parameter[=].max = "*"
* parameter[=].documentation = "To discuss next session (commonground.divergence.to-discuss-size, default 5)"
* insert DivergenceParts
* parameter[+].name = #divergence
* parameter[=].use = #out
* parameter[=].min = 0
* parameter[=].max = "*"
* parameter[=].documentation = "Every open divergence, as $divergences returns them"
* insert DivergenceParts

Instance: practitioner-alignment
InstanceOf: OperationDefinition
Usage: #definition
* insert Operation(practitioner-alignment, alignment, Practitioner, true, false, false, [["Alignment summary of a caseload"]])
* description = "The alignment of every client this clinician treats: each Patient whose generalPractitioner is this Practitioner or one of its PractitionerRoles, in patient id order, with caseload totals. Each client part holds what a caseload view lists: the counts and ages of Patient/[id]/$alignment and the items to discuss next session in brief (which goal, in whose words, how it stands, how old). The full detail of one client, and every open divergence, is Patient/[id]/$alignment."
* insert Out(practitioner, 1, 1, Reference, [["The clinician"]])
* insert Out(clients, 1, 1, integer, [["How many clients"]])
* insert Out(openDivergences, 1, 1, integer, [["Open divergences across the caseload"]])
* parameter[+].name = #byDimension
* parameter[=].use = #out
* parameter[=].min = 0
* parameter[=].max = "*"
* parameter[=].documentation = "Open recorded divergences per dimension, across the caseload"
* insert Part(dimension, 1, 1, Coding, [["The dimension"]])
* insert Part(count, 1, 1, integer, [["How many"]])
* parameter[+].name = #byStatus
* parameter[=].use = #out
* parameter[=].min = 0
* parameter[=].max = "*"
* parameter[=].documentation = "Open divergences per status across the caseload; detected ones under 'detected'"
* insert Part(status, 1, 1, code, [["identified | exploring | detected"]])
* insert Part(count, 1, 1, integer, [["How many"]])
* parameter[+].name = #client
* parameter[=].use = #out
* parameter[=].min = 0
* parameter[=].max = "*"
* parameter[=].documentation = "One client of the caseload"
* insert Part(patient, 1, 1, Reference, [["The client"]])
* insert Part(openDivergences, 1, 1, integer, [["How many open divergences"]])
* insert NestedPart(byDimension, 0, *, [["Open recorded divergences per dimension"]])
* insert SubPart(dimension, 1, 1, Coding, [["The dimension"]])
* insert SubPart(count, 1, 1, integer, [["How many"]])
* insert NestedPart(byStatus, 0, *, [["Open divergences per status (identified, exploring, detected)"]])
* insert SubPart(status, 1, 1, code, [["identified | exploring | detected"]])
* insert SubPart(count, 1, 1, integer, [["How many"]])
* insert Part(oldestOpenDays, 1, 1, integer, [["Age in days of the oldest open divergence"]])
* insert Part(medianOpenDays, 1, 1, integer, [["Median age in days of the open divergences"]])
* insert Part(sharedGoalsActive, 1, 1, integer, [["Shared goals both parties agreed"]])
* insert Part(sharedGoalsProposed, 1, 1, integer, [["Shared goals still waiting for an answer"]])
* insert Part(separateClientGoals, 1, 1, integer, [["Current client goals not part of a shared goal"]])
* insert Part(separateTherapistGoals, 1, 1, integer, [["Current therapist goals not part of a shared goal"]])
* insert NestedPart(toDiscuss, 0, *, [["To discuss next session, in brief (commonground.divergence.to-discuss-size, default 5; most diverged first, then oldest)"]])
* insert SubPart(kind, 1, 1, code, [["recorded | detected"]])
* insert SubPart(goal, 1, 1, Reference, [["The goal the divergence is recorded on or detected for"]])
* insert SubPart(goalDescription, 0, 1, string, [["The goal's wording (first 200 characters)"]])
* insert SubPart(status, 0, 1, code, [["Recorded divergences: identified or exploring (divergence-status)"]])
* insert SubPart(rule, 0, 1, Coding, [["Detected divergences: the rule that found it (divergence-rule)"]])
* insert SubPart(ageDays, 1, 1, integer, [["Whole days since it was named or the situation began"]])

CodeSystem: DivergenceRule
Id: divergence-rule
Title: "Divergence detection rule"
Description: "The rules by which Common Ground notices a divergence nobody has named yet."
* insert CommonGroundMetadata
* ^caseSensitive = true
* #therapist-goal-declined "Therapist goal declined by the client" "The client's goal-acceptance of a current therapist goal is 'disagree', and no divergence about the goal has been recorded."
* #therapist-goal-pending "Therapist goal not accepted in time" "The client has neither agreed nor disagreed with a current therapist goal for longer than the configured time (commonground.divergence.pending-after, default 14 days)."
* #client-goal-unlinked "Client goal with no therapist counterpart" "A current client goal is linked to no current therapist goal or shared goal."
* #therapist-goal-unlinked "Therapist goal with no client counterpart" "A current therapist goal is linked to no current client goal or shared goal."
* #shared-goal-declined "Shared goal declined by one party" "The client or the clinician has answered 'disagree' to a current shared goal."
* #progress-rated-apart "Progress rated far apart" "The client's and the clinician's Goal Attainment Scaling ratings of the same goal are far apart (reserved for the review feature)."

CodeSystem: AlignmentActivity
Id: alignment-activity
Title: "Alignment activity"
Description: "What a change to a goal meant, as the Provenance of each goal version names it (alongside the v3 DataOperation code)."
* insert CommonGroundMetadata
* ^caseSensitive = true
* #record-goal "Goal recorded" "A goal was recorded (by its owner, or by a clinician on the client's behalf: see Provenance.agent.onBehalfOf)."
* #reword "Goal reworded" "The goal's wording changed."
* #translate "Translation added or changed" "A translation of the goal's wording was added or changed; the wording itself did not change."
* #link "Goals linked as counterparts" "The goal was linked to its counterpart (goal-relationship other)."
* #name-divergence "Divergence named" "A divergence was named on the goal."
* #move-divergence "Divergence status moved" "A divergence moved to a new status."
* #log-strategy "Strategy logged" "A strategy applied to a divergence was logged."
* #note-divergence "Note added to a divergence" "A note was added to a divergence."
* #propose-shared-goal "Shared goal proposed" "A shared goal was proposed."
* #align "Goal aligned into a shared goal" "The goal became a source of a shared goal (goal-relationship successor)."
* #accept "Acceptance given" "A party agreed (or answered) on the goal."
* #decline "Acceptance declined" "A party disagreed with the goal."
* #revise "Goal revised" "The goal was replaced by a new goal (goal-relationship replacement)."
