import io.quarkus.bootstrap.app.AugmentResult;
import io.quarkus.bootstrap.app.CuratedApplication;
import io.quarkus.bootstrap.app.QuarkusBootstrap;
import io.quarkus.bootstrap.model.AppArtifact;
import io.quarkus.bootstrap.resolver.maven.BootstrapMavenContext;
import io.quarkus.bootstrap.resolver.maven.MavenArtifactResolver;
import java.nio.file.Path;

/**
 * Turns a Quarkus application jar from Maven Central into a runnable jar, as a Quarkus build would.
 * Arguments: GROUP ARTIFACT VERSION APP_JAR TARGET_DIR LOCAL_REPOSITORY.
 */
public class Augment {
    public static void main(String[] args) throws Exception {
        BootstrapMavenContext context = new BootstrapMavenContext(BootstrapMavenContext.config()
                .setLocalRepository(args[5]).setWorkspaceDiscovery(false).setPreferPomsFromWorkspace(false));
        AppArtifact app = new AppArtifact(args[0], args[1], args[2]);
        app.setPath(Path.of(args[3]).toAbsolutePath());
        QuarkusBootstrap bootstrap = QuarkusBootstrap.builder()
                .setAppArtifact(app)
                .setMavenArtifactResolver(new MavenArtifactResolver(context))
                .setTargetDirectory(Path.of(args[4]).toAbsolutePath())
                .setBaseName(args[1] + "-" + args[2])
                .setMode(QuarkusBootstrap.Mode.PROD)
                .setLocalProjectDiscovery(false)
                .setIsolateDeployment(true)
                .build();
        try (CuratedApplication curated = bootstrap.bootstrap()) {
            AugmentResult result = curated.createAugmentor().createProductionApplication();
            System.out.println(result.getJar().getPath());
        }
    }
}
