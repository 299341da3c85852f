// The vocabulary of divergence: where a client's and a therapist's goals differ, how far the difference
// has been worked through, and which strategies were used to work through it.

CodeSystem: DivergenceDimension
Id: divergence-dimension
Title: "Divergence dimension"
Description: "Where a client's goal and their therapist's goal for therapy differ: the common reasons goals diverge."
* insert CommonGroundMetadata
* ^caseSensitive = true
* ^valueSet = Canonical(DivergenceDimensionVS)
* #different-perspectives "Different perspectives" "The therapist sees underlying issues that the client may not yet recognise, or the two prioritise the same issues differently because of the therapist's professional expertise."
* #client-readiness "Client readiness" "The client is not yet ready to confront certain issues, or has immediate concerns that feel more pressing to them than the goal the therapist proposes."
* #miscommunication "Miscommunication" "The goals have not been clearly communicated: client and therapist use different language for them, or focus on aspects of the problem that do not overlap."
* #evolving-goals "Evolving goals" "The goals have changed as therapy progressed: the client has developed new insights or priorities that shift their original goals, and the recorded goals have not caught up."
* #cultural-differences "Cultural differences" "Cultural background shapes which behaviours or outcomes count as goals and which priorities are emphasised, and client and therapist see these differently."
* #other "Other" "A difference not covered by the other dimensions; describe it in the divergence note."

ValueSet: DivergenceDimensionVS
Id: divergence-dimension
Title: "Divergence dimension"
Description: "All the dimensions along which a client's and a therapist's goals can diverge."
* insert CommonGroundMetadata
* include codes from system DivergenceDimension

CodeSystem: DivergenceStatus
Id: divergence-status
Title: "Divergence status"
Description: "How far a recorded divergence between a client's and a therapist's goal has been worked through: identified, then exploring, then either common ground or an explicit agreement to differ; superseded when one of the goals is replaced."
* insert CommonGroundMetadata
* ^caseSensitive = true
* ^valueSet = Canonical(DivergenceStatusVS)
* #identified "Identified" "The difference between the client's goal and the therapist's goal has been named and recorded, but not yet talked through together."
* #exploring "Exploring" "Client and therapist are talking the difference through and applying strategies to understand each other's view of the goal."
* #common-ground "Common ground" "Client and therapist have found common ground: the difference is resolved, usually in a shared goal that both have accepted."
* #agreed-to-differ "Agreed to differ" "Having talked it through, client and therapist explicitly agree to keep working with different goals; the client's goal stays theirs and is respected as such."
* #superseded "Superseded" "One of the two goals has been replaced by a revised goal, so this divergence no longer applies; any remaining difference is recorded against the new goal."

ValueSet: DivergenceStatusVS
Id: divergence-status
Title: "Divergence status"
Description: "All the states a recorded divergence between a client's and a therapist's goal can be in."
* insert CommonGroundMetadata
* include codes from system DivergenceStatus

CodeSystem: AlignmentStrategy
Id: alignment-strategy
Title: "Alignment strategy"
Description: "Ways a therapist and a client work through a difference between their goals for therapy."
* insert CommonGroundMetadata
* ^caseSensitive = true
* ^valueSet = Canonical(AlignmentStrategyVS)
* #open-communication "Open communication" "An open dialogue about goals: the therapist invites the client to say what they wish to achieve, and shares their own observations and professional insights."
* #collaboration "Collaboration" "Client and therapist work together to find common ground, aligning the therapy with the client's personal values and priorities."
* #reassess-regularly "Reassess regularly" "A regular check-in on the goals, so that both client and therapist feel that therapy is moving in a beneficial direction."
* #educate-and-explore "Educate and explore" "The therapist helps the client explore issues they may not fully understand yet, giving context for why certain goals might be important."
* #flexibility "Flexibility" "Both parties adapt the goals as needed, based on the client's progress and changing circumstances."
* #empower-the-client "Empower the client" "Therapy is about the client's needs: the client is supported to assert their own goals, and both work together towards them."

ValueSet: AlignmentStrategyVS
Id: alignment-strategy
Title: "Alignment strategy"
Description: "All the strategies a therapist and a client can apply to work through a difference between their goals."
* insert CommonGroundMetadata
* include codes from system AlignmentStrategy
