// Search parameters of our own, beside the standard Goal ones the server also supports.

CodeSystem: GoalRole
Id: goal-role
Title: "Goal role"
Description: "Whose goal a Goal is in Common Ground: the client's, the therapist's, or one both have accepted. Used by the Goal `role` search parameter."
* insert CommonGroundMetadata
* ^caseSensitive = true
* ^valueSet = Canonical(GoalRoleVS)
* #client "Client goal" "A goal expressed by the client (or a person speaking for them), in their own words."
* #therapist "Therapist goal" "A goal expressed by a clinician."
* #shared "Shared goal" "A goal proposed by either party that both the client and the clinician are asked to accept."

ValueSet: GoalRoleVS
Id: goal-role
Title: "Goal role"
Description: "All the roles a goal can have."
* insert CommonGroundMetadata
* include codes from system GoalRole

Instance: Goal-role
InstanceOf: SearchParameter
Usage: #definition
Title: "Goal role"
Description: "Whose goal it is: client (a ClientGoal), therapist (a TherapistGoal) or shared (a SharedGoal). Codes from the goal-role code system."
* publisher = "Common Ground"
* contact.name = "Common Ground"
* contact.telecom.system = #url
* contact.telecom.value = "https://commonground.health"
* url = "https://commonground.health/fhir/SearchParameter/Goal-role"
* name = "role"
* status = #draft
* code = #role
* base = #Goal
* type = #token
* expression = "Goal.meta.profile"

Instance: Goal-linked-goal
InstanceOf: SearchParameter
Usage: #definition
Title: "Goal linked goal"
Description: "Goals this goal is linked to: its counterpart (goal-relationship type other), the goal that replaces it (replacement), the goals a shared goal was agreed from (predecessor), and the counterpart of each of its divergences."
* publisher = "Common Ground"
* contact.name = "Common Ground"
* contact.telecom.system = #url
* contact.telecom.value = "https://commonground.health"
* url = "https://commonground.health/fhir/SearchParameter/Goal-linked-goal"
* name = "linked-goal"
* status = #draft
* code = #linked-goal
* base = #Goal
* type = #reference
* target = #Goal
* expression = "Goal.extension('http://hl7.org/fhir/StructureDefinition/goal-relationship').extension('target').value | Goal.extension('https://commonground.health/fhir/StructureDefinition/goal-divergence').extension('counterpart').value"
