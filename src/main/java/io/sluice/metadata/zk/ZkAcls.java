package io.sluice.metadata.zk;

import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.framework.imps.DefaultACLProvider;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;

/**
 * {@code zookeeper.set.acl}: Kafka's secure ACLs give the creator (the broker's authenticated
 * identity) all rights and everyone else read; without it znodes are open.
 */
final class ZkAcls {
    private ZkAcls() {}

    static ACLProvider provider(boolean secure) {
        if (!secure) {
            return new DefaultACLProvider();
        }
        List<ACL> acls = new ArrayList<>(ZooDefs.Ids.CREATOR_ALL_ACL);
        acls.addAll(ZooDefs.Ids.READ_ACL_UNSAFE);
        List<ACL> fixed = List.copyOf(acls);
        return new ACLProvider() {
            @Override
            public List<ACL> getDefaultAcl() {
                return fixed;
            }

            @Override
            public List<ACL> getAclForPath(String path) {
                return fixed;
            }
        };
    }
}
