package dev.natagent.nft.expr;

/**
 * nf_tables registers (enum nft_registers). The data area is 64 bytes: NFT_REG_1..4 are 16-byte
 * views of it, NFT_REG32_00..15 4-byte ones, so REG_1 overlays REG32_00..03 and REG_2 overlays
 * REG32_04..07.
 *
 * <p>Concatenation rule: a concatenated value occupies consecutive 4-byte registers, each field
 * padded to a multiple of 4. For {@code ipv4_addr . inet_service} the address is in REG_1 (=
 * REG32_00) and the port in REG32_01, which is register number <b>9</b>: payload loads write it
 * there for a concatenated lookup key, and nat reads the port of concatenated map data from it.
 */
public final class Registers {
    public static final int NFT_REG_VERDICT = 0;
    public static final int NFT_REG_1 = 1;
    public static final int NFT_REG_2 = 2;
    public static final int NFT_REG_3 = 3;
    public static final int NFT_REG_4 = 4;
    public static final int NFT_REG32_00 = 8;
    public static final int NFT_REG32_01 = 9;
    public static final int NFT_REG32_02 = 10;
    public static final int NFT_REG32_03 = 11;
    public static final int NFT_REG32_04 = 12;

    private Registers() {}

    /** NFT_REG32_{@code index}: 8 + index, index 0..15. */
    public static int reg32(int index) {
        if (index < 0 || index > 15) {
            throw new IllegalArgumentException("no 32-bit register " + index);
        }
        return NFT_REG32_00 + index;
    }
}
