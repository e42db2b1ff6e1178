// Starts a Neo4j Community database management service with a Bolt connector,
// for instnet's bundled server (instnet/neo4j/server.py compiles and runs it).
//
// Usage: java -cp 'lib/*:classes' InstnetNeo4jLauncher HOME_DIR CONF_FILE
// The password of the user "neo4j" is read from the environment variable
// INSTNET_NEO4J_PASSWORD (never from the command line, where `ps` would show it).
// Once the server accepts Bolt connections the launcher writes HOME_DIR/ready;
// SIGTERM shuts the service down cleanly and removes that file.

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.QueryExecutionException;

public final class InstnetNeo4jLauncher {
    private InstnetNeo4jLauncher() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: InstnetNeo4jLauncher HOME_DIR CONF_FILE");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Path conf = Path.of(args[1]).toAbsolutePath();
        String password = System.getenv("INSTNET_NEO4J_PASSWORD");
        if (password == null || password.isEmpty()) {
            System.err.println("INSTNET_NEO4J_PASSWORD is not set");
            System.exit(2);
        }
        Path ready = home.resolve("ready");
        Files.deleteIfExists(ready);

        DatabaseManagementService service =
                new DatabaseManagementServiceBuilder(home).loadPropertiesFromFile(conf).build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(ready);
            } catch (Exception ignored) {
                // the ready file is advisory; shutting down matters more
            }
            service.shutdown();
            stopped.countDown();
        }, "instnet-neo4j-shutdown"));

        try {
            setPassword(service.database("system"), password);
            // make sure the default database is online before announcing readiness
            service.database("neo4j").executeTransactionally("RETURN 1");
            Files.writeString(ready, Long.toString(ProcessHandle.current().pid()));
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1); // runs the shutdown hook
        }
        System.out.println("instnet-neo4j: ready");
        System.out.flush();
        stopped.await();
    }

    private static void setPassword(GraphDatabaseService system, String password) {
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        } catch (QueryExecutionException e) {
            // a restart with the password already set: nothing to change
            if (!String.valueOf(e.getMessage()).contains("Old password and new password cannot be the same")) {
                throw e;
            }
        }
    }
}
