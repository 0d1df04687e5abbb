// Creates the ACLs of deploy/kafka/acls.txt in one JVM (kafkactl start --secure runs it as a single-file
// program: java -cp "<kafka libs>/*" KafkaAcls.java <admin client properties> <acls file>).
// Creating a binding that exists already is a no-op, so it runs on every start.

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

public class KafkaAcls {
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: KafkaAcls <admin.properties> <acls.txt>");
        }
        Properties props = new Properties();
        try (var in = Files.newInputStream(Path.of(args[0]))) {
            props.load(in);
        }
        List<AclBinding> bindings = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[1]))) {
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            String[] f = text.split("\\s+");
            if (f.length != 5) {
                throw new IllegalArgumentException("acls: 5 columns expected: " + line);
            }
            ResourceType type = switch (f[1]) {
                case "topic" -> ResourceType.TOPIC;
                case "group" -> ResourceType.GROUP;
                case "transactional-id" -> ResourceType.TRANSACTIONAL_ID;
                case "cluster" -> ResourceType.CLUSTER;
                default -> throw new IllegalArgumentException("acls: unknown resource type: " + line);
            };
            PatternType pattern = switch (f[2]) {
                case "literal" -> PatternType.LITERAL;
                case "prefixed" -> PatternType.PREFIXED;
                default -> throw new IllegalArgumentException("acls: unknown pattern type: " + line);
            };
            for (String op : f[4].split(",")) {
                String name = op.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
                AclOperation operation = AclOperation.valueOf(name);
                bindings.add(new AclBinding(new ResourcePattern(type, f[3], pattern),
                        new AccessControlEntry("User:" + f[0], "*", operation, AclPermissionType.ALLOW)));
            }
        }
        try (Admin admin = Admin.create(props)) {
            admin.createAcls(bindings).all().get();
        }
        System.out.println(bindings.size());
    }
}
