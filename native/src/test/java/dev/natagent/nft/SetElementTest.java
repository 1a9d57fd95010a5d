package dev.natagent.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.natagent.nl.Attrs;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An element has a key exactly when it is not a catch-all one, as the kernel requires; else a decode error. */
class SetElementTest {
    @Test
    void aCatchAllElementHasNoKeyAndEveryOtherElementHasOne() throws Exception {
        assertEquals(
                SetElement.catchAll(Optional.of(NftData.Verdict.DROP)),
                decode(SetElement.F_CATCHALL, Optional.empty(), Optional.of(NftData.Verdict.DROP)));
        assertEquals(
                SetElement.mapping(Bytes.u16Be(80), NftData.Verdict.DROP),
                decode(0, Optional.of(Bytes.u16Be(80)), Optional.of(NftData.Verdict.DROP)));
        assertThrows(
                NetlinkDecodeException.class,
                () -> decode(0, Optional.empty(), Optional.of(NftData.Verdict.DROP)),
                "no key, not catch-all");
        assertThrows(
                NetlinkDecodeException.class,
                () -> decode(SetElement.F_CATCHALL, Optional.of(Bytes.u16Be(80)), Optional.empty()),
                "catch-all with a key");
    }

    private static SetElement decode(int flags, Optional<Bytes> key, Optional<NftData> data)
            throws NetlinkDecodeException {
        MessageWriter w = new MessageWriter();
        w.u32Be(SetElement.NFTA_SET_ELEM_FLAGS, flags);
        key.ifPresent(k -> NftData.Value.encode(w, SetElement.NFTA_SET_ELEM_KEY, k));
        data.ifPresent(d -> d.encode(w, SetElement.NFTA_SET_ELEM_DATA));
        byte[] bytes = w.toByteArray();
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        return SetElement.decode(Attrs.parse(buf, 0, bytes.length));
    }
}
