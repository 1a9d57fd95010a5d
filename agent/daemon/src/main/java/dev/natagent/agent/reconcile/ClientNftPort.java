package dev.natagent.agent.reconcile;

import dev.natagent.nft.Batch;
import dev.natagent.nft.Chain;
import dev.natagent.nft.NftSet;
import dev.natagent.nft.Rule;
import dev.natagent.nft.SetElement;
import dev.natagent.nft.Table;
import dev.natagent.nft.client.ElementReader;
import dev.natagent.nft.client.NftClient;
import dev.natagent.nl.NetlinkException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import jnr.constants.platform.Errno;

/**
 * {@link NftPort} over the netlink {@link NftClient}. A listing is taken between two reads of the
 * ruleset generation and repeated when they differ, so its parts (chains, sets, elements, rules)
 * are one consistent snapshot, and its generation lets a batch computed from it be refused
 * (ERESTART) should the ruleset change before the commit. Not thread-safe, like the client.
 */
public final class ClientNftPort implements NftPort {
    private static final int MAX_LISTING_ATTEMPTS = 5;

    private final NftClient client;

    public ClientNftPort(NftClient client) {
        this.client = client;
    }

    @Override
    public int generation() throws IOException {
        return client.generation().genId();
    }

    @Override
    public Listing list(String table, Set<String> withoutElements) throws IOException {
        for (int attempt = 1; attempt <= MAX_LISTING_ATTEMPTS; attempt++) {
            int before = generation();
            Optional<TableListing> listing;
            try {
                listing = listOnce(table, withoutElements);
            } catch (NetlinkException e) {
                // The table (or a set) was there when the listing began and gone for a later dump:
                // deleted meanwhile, by a ruleset flush say. That is a change like any other: list again.
                if (e.errno() == Errno.ENOENT.intValue() && generation() != before) {
                    continue;
                }
                throw e;
            }
            if (generation() == before) {
                return new Listing(before, listing);
            }
        }
        throw new TableKeptChangingException(
                "table " + table + " kept changing while being listed (" + MAX_LISTING_ATTEMPTS + " attempts)");
    }

    private Optional<TableListing> listOnce(String name, Set<String> withoutElements) throws IOException {
        Optional<Table> table =
                client.listTables().stream().filter(t -> t.name().equals(name)).findFirst();
        if (table.isEmpty()) {
            return Optional.empty();
        }
        // The kernel does not filter every dump by table: keep only this table's objects.
        List<Chain> chains = client.listChains(name).stream()
                .filter(c -> c.table().equals(name))
                .toList();
        List<NftSet> sets = client.listSets(name).stream()
                .filter(s -> s.table().equals(name))
                .toList();
        Map<String, List<SetElement>> elements = new LinkedHashMap<>();
        for (NftSet set : sets) {
            if (!withoutElements.contains(set.name())) {
                elements.put(set.name(), client.listElements(name, set.name()));
            }
        }
        List<Rule> rules = client.listRules(name).stream()
                .filter(r -> r.table().equals(name))
                .toList();
        return Optional.of(new TableListing(table.get(), chains, sets, elements, rules));
    }

    @Override
    public List<SetElement> listElements(String table, String set) throws IOException {
        return client.listElements(table, set);
    }

    @Override
    public void forEachElement(String table, String set, ElementReader reader) throws IOException {
        client.forEachElement(table, set, reader);
    }

    @Override
    public List<SetElement> getElements(String table, String set, List<SetElement> keys) throws IOException {
        return client.getElements(table, set, keys);
    }

    @Override
    public void commit(Batch batch) throws IOException {
        client.commit(batch);
    }
}
