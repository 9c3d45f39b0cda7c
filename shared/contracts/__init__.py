"""Published contracts: the public shape of a service's events, for the services that follow them.

One module per publisher (`membership`). A contract is made of versioned msgspec Structs (`...V1`),
one per event kind followers may read, and a `decode` from the stored event (`ForeignEvent`) to its
Struct. A follower imports the contract, never the publisher's domain or application; the publisher
tests that every event it writes decodes into its contract. A change a follower could notice is a
new Struct (`...V2`) beside the old one, never an edit of a published one.
"""
