package dev.surveil.e2e;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test a fresh {@link SurveilCluster} parameter and closes it after the test, printing
 * every program's log first when the test failed.
 */
final class ClusterExtension implements ParameterResolver, AfterEachCallback {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(ClusterExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == SurveilCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    SurveilCluster cluster = new SurveilCluster();
    context.getStore(NS).put("cluster", cluster);
    return cluster;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    SurveilCluster cluster = context.getStore(NS).remove("cluster", SurveilCluster.class);
    if (cluster == null) {
      return;
    }
    try {
      if (context.getExecutionException().isPresent()) {
        System.err.println("Logs of " + context.getDisplayName() + ":\n" + cluster.logs());
      }
    } finally {
      cluster.close();
    }
  }
}
