package dev.natagent.nft.client;

import static dev.natagent.nft.expr.Registers.NFT_REG32_01;
import static dev.natagent.nft.expr.Registers.NFT_REG_1;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.natagent.nft.Batch;
import dev.natagent.nft.Bytes;
import dev.natagent.nft.Chain;
import dev.natagent.nft.CounterObject;
import dev.natagent.nft.NftSet;
import dev.natagent.nft.Rule;
import dev.natagent.nft.SetElement;
import dev.natagent.nft.SetElements;
import dev.natagent.nft.Table;
import dev.natagent.nft.expr.Expr;
import dev.natagent.nft.expr.Lookup;
import dev.natagent.nft.expr.Matches;
import dev.natagent.nft.expr.Nat;
import dev.natagent.nft.expr.Objref;
import dev.natagent.nft.expr.Payload;
import dev.natagent.testing.KernelTests;
import dev.natagent.testing.Netns;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Real traffic through rules this client programmed: client (10.0.1.2) connects to the NAT
 * namespace's 10.0.1.1:6380, which DNATs it through the forwards map to the server at
 * 198.51.100.2:6379; the reply finds its way back through conntrack.
 */
@Tag(KernelTests.TAG)
class DataPathKernelTest {
    private static final String T = "nat_agent";

    @Test
    void aTcpConnectionReachesTheServerThroughTheDnatMapAndBack() throws Exception {
        KernelTests.requireKernel();
        try (Netns client = Netns.create();
                Netns nat = Netns.create();
                Netns server = Netns.create()) {
            Netns.veth(client, "c0", "10.0.1.2/24", nat, "n0", "10.0.1.1/24");
            Netns.veth(nat, "n1", "198.51.100.1/24", server, "s0", "198.51.100.2/24");
            server.execOk("ip", "route", "add", "default", "via", "198.51.100.1");
            nat.execOk("sysctl", "-qw", "net.ipv4.ip_forward=1");
            try (NftClient nft = nat.call(NftClient::openIpv4)) {
                nft.commit(forwardRuleset());

                try (ServerSocket listener =
                        server.call(() -> new ServerSocket(6379, 1, InetAddress.getByName("198.51.100.2")))) {
                    listener.setSoTimeout(5_000);
                    // The JDK creates a socket's descriptor lazily: connect on the namespace's thread.
                    try (Socket connection = client.call(() -> connect("10.0.1.1", 6380))) {
                        try (Socket accepted = listener.accept()) {
                            assertEquals("10.0.1.2", accepted.getInetAddress().getHostAddress());
                            send(connection, "PING");
                            assertEquals("PING", receive(accepted));
                            send(accepted, "+PONG");
                            assertEquals("+PONG", receive(connection));
                        }
                    }
                }
                // A nat chain sees only a connection's first packet; conntrack handles the rest.
                assertEquals(1, nft.listObjects(T).get(0).packets(), "one connection counted");
            }
        }
    }

    private static Batch forwardRuleset() {
        return Batch.ipv4()
                .add(Table.of(T))
                .add(Chain.base(T, "prerouting", "nat", Chain.Hook.PREROUTING, -100))
                .add(CounterObject.of(T, "fwd_6380"))
                .add(NftSet.map(
                        T,
                        "forwards",
                        NftSet.TYPE_INET_SERVICE,
                        2,
                        NftSet.concatType(NftSet.TYPE_IPV4_ADDR, NftSet.TYPE_INET_SERVICE),
                        8,
                        1))
                .add(SetElements.of(
                        T,
                        "forwards",
                        List.of(SetElement.mapping(
                                Bytes.u16Be(6380), Bytes.concat(Bytes.ipv4("198.51.100.2"), Bytes.u16Be(6379))))))
                .add(rule(Matches.dport(Matches.IPPROTO_TCP, 6380), Objref.counter("fwd_6380")))
                .add(rule(
                        Matches.l4proto(Matches.IPPROTO_TCP),
                        Payload.thDport(NFT_REG_1),
                        new Lookup(NFT_REG_1, OptionalInt.of(NFT_REG_1), "forwards", OptionalInt.of(1), false),
                        Nat.ipv4Dnat(NFT_REG_1, NFT_REG32_01)));
    }

    private static Rule rule(List<Expr> matches, Expr... rest) {
        List<Expr> exprs = new ArrayList<>(matches);
        exprs.addAll(List.of(rest));
        return Rule.of(T, "prerouting", exprs, Optional.empty());
    }

    private static Socket connect(String host, int port) throws Exception {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 5_000);
        socket.setSoTimeout(5_000);
        return socket;
    }

    private static void send(Socket socket, String line) throws Exception {
        PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.US_ASCII);
        out.print(line + "\r\n");
        out.flush();
    }

    private static String receive(Socket socket) throws Exception {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }
}
