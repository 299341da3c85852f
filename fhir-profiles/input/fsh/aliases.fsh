// Standard R4 core extensions and code systems used by Common Ground.
Alias: $goal-acceptance = http://hl7.org/fhir/StructureDefinition/goal-acceptance
Alias: $goal-relationship = http://hl7.org/fhir/StructureDefinition/goal-relationship
Alias: $translation = http://hl7.org/fhir/StructureDefinition/translation
Alias: $goal-relationship-type = http://terminology.hl7.org/CodeSystem/goal-relationship-type
Alias: $goal-priority = http://terminology.hl7.org/CodeSystem/goal-priority
Alias: $goal-category = http://terminology.hl7.org/CodeSystem/goal-category
Alias: $goal-achievement = http://terminology.hl7.org/CodeSystem/goal-achievement
Alias: $v2-0203 = http://terminology.hl7.org/CodeSystem/v2-0203
Alias: $loinc = http://loinc.org

// Our own code systems (see terminology.fsh).
Alias: $divergence-dimension = https://commonground.health/fhir/CodeSystem/divergence-dimension
Alias: $divergence-status = https://commonground.health/fhir/CodeSystem/divergence-status
Alias: $alignment-strategy = https://commonground.health/fhir/CodeSystem/alignment-strategy

// Metadata every Common Ground conformance resource carries.
RuleSet: CommonGroundMetadata
* ^publisher = "Common Ground"
* ^contact.name = "Common Ground"
* ^contact.telecom.system = #url
* ^contact.telecom.value = "https://commonground.health"
