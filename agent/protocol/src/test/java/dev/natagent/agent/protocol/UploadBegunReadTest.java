package dev.natagent.agent.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.model.TestJson;
import org.junit.jupiter.api.Test;

/** natctl reads an apply.begin reply into the record the agent wrote it from. */
class UploadBegunReadTest {
    private static final UploadBegun BEGUN = new UploadBegun("upload-7", 16_777_216);

    private static ObjectNode written() {
        return TestJson.toTree(BEGUN);
    }

    @Test
    void readsWhatTheAgentWrites() {
        assertEquals(BEGUN, UploadBegun.read(written()));
    }

    @Test
    void aMissingOrMistypedFieldIsAnError() {
        ObjectNode noUpload = written();
        noUpload.remove("upload");
        assertEquals(
                "apply.begin reply has no 'upload'",
                assertThrows(MalformedReplyException.class, () -> UploadBegun.read(noUpload))
                        .getMessage());
        ObjectNode numbered = written();
        numbered.put("upload", 7);
        assertEquals(
                "apply.begin reply: 'upload' is not a string",
                assertThrows(MalformedReplyException.class, () -> UploadBegun.read(numbered))
                        .getMessage());
    }
}
