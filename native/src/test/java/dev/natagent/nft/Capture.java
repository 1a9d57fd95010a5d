package dev.natagent.nft;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A golden capture file (captures README.md; docs/netlink.md, "Golden captures"): line 1 is the nft command, '#'
 * lines are comments, and each 'SEND n syscall bytes' / 'RECV n syscall bytes' line starts a buffer
 * whose hex lines (16 bytes each) follow it.
 */
record Capture(String name, String command, List<Capture.Block> blocks) {
    enum Direction {
        SEND,
        RECV
    }

    record Block(Direction direction, int index, String syscall, byte[] bytes) {
        ByteBuffer buffer() {
            ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).order(ByteOrder.nativeOrder());
            direct.put(bytes).flip();
            return direct;
        }

        String label() {
            return direction + " " + index;
        }
    }

    static Path directory() {
        try {
            return Path.of(Capture.class.getResource("/captures/add-table.txt").toURI())
                    .getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Capture> all() {
        try (Stream<Path> files = Files.list(directory())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".txt"))
                    .sorted()
                    .map(Capture::load)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Capture named(String name) {
        return load(directory().resolve(name + ".txt"));
    }

    static Capture load(Path file) {
        try {
            return parse(file.getFileName().toString().replace(".txt", ""), Files.readAllLines(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Capture parse(String name, List<String> lines) {
        List<Block> blocks = new ArrayList<>();
        int i = 1;
        while (i < lines.size()) {
            String line = lines.get(i);
            if (!line.startsWith("SEND ") && !line.startsWith("RECV ")) {
                i++;
                continue;
            }
            String[] header = line.trim().split("\\s+");
            int declared = Integer.parseInt(header[3]);
            StringBuilder hex = new StringBuilder();
            i++;
            while (i < lines.size() && !lines.get(i).startsWith("#") && isHexLine(lines.get(i))) {
                hex.append(lines.get(i).replace(" ", ""));
                i++;
            }
            byte[] bytes = HexFormat.of().parseHex(hex);
            if (bytes.length != declared) {
                throw new IllegalStateException(name + ": " + line + " has " + bytes.length + " bytes");
            }
            blocks.add(new Block(Direction.valueOf(header[0]), Integer.parseInt(header[1]), header[2], bytes));
        }
        return new Capture(name, lines.get(0), blocks);
    }

    private static boolean isHexLine(String line) {
        return !line.isBlank() && line.trim().matches("([0-9a-f]{2} ?)+");
    }

    List<Block> sends() {
        return blocks.stream().filter(b -> b.direction() == Direction.SEND).toList();
    }

    @Override
    public String toString() {
        return name;
    }
}
