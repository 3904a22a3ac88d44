// The modes start many processes; run the classes one after another so one mode's start-up does not
// compete for the CPU with the other's (the embedded host's time-to-ready is asserted).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
