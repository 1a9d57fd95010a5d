package dev.natagent.nft;

import dev.natagent.nl.Attrs;
import dev.natagent.nl.NetlinkDecodeException;

/**
 * NEWGEN: the ruleset generation, answering GETGEN and closing every committed transaction's events,
 * with the pid and name of the process that committed it (how foreign changes are told apart).
 *
 * <pre>
 * NFTA_GEN_ID(1) be32, NFTA_GEN_PROC_PID(2) be32, NFTA_GEN_PROC_NAME(3) string
 * </pre>
 */
public record Generation(int genId, int procPid, String procName) implements NftBody {
    public static final int NFTA_GEN_ID = 1;
    public static final int NFTA_GEN_PROC_PID = 2;
    public static final int NFTA_GEN_PROC_NAME = 3;

    public static Generation decode(Attrs a) throws NetlinkDecodeException {
        return new Generation(
                a.u32Be(NFTA_GEN_ID, "NFTA_GEN_ID"),
                a.u32BeOr(NFTA_GEN_PROC_PID, 0),
                a.stringOpt(NFTA_GEN_PROC_NAME).orElse(""));
    }
}
