/**
 * Desired NAT state into the kernel, and kept there. Table layout and why: {@link
 * dev.natagent.agent.reconcile.KernelLayout}.
 *
 * <p>For the service/daemon:
 *
 * <ul>
 *   <li>{@link dev.natagent.agent.reconcile.Desired}: a {@code NatState} plus the resolved addresses
 *       of its DNS-name targets (unresolved targets stay out of the kernel).
 *   <li>{@link dev.natagent.agent.reconcile.Reconciler} over a {@link
 *       dev.natagent.agent.reconcile.ClientNftPort} (wrapping the netlink {@code NftClient}):
 *       {@code reconcileFull(desired)} at start-up (adopts a matching table untouched), {@code
 *       applyForwards(before, after, names)} for a forward add/remove/change or a DNS address change
 *       (O(1), no kernel listing), {@code applyChange(before, after)} for a whole new state ({@code
 *       apply}; outbound changes reconcile fully), {@code forwardCounters()} for metrics. A call
 *       that returns is in the kernel; one that throws {@link
 *       dev.natagent.agent.reconcile.ReconcileException} is not.
 *   <li>{@link dev.natagent.agent.reconcile.DriftWatcher}: {@code start()} it once the table is
 *       adopted; it polls the ruleset generation, repairs, counts and logs.
 *   <li>{@link dev.natagent.agent.reconcile.Renderer} and {@link dev.natagent.agent.reconcile.Planner}
 *       are pure.
 * </ul>
 */
package dev.natagent.agent.reconcile;
