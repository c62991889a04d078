package dev.surveil.runner.execution;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;

/**
 * Compiles a repository's test sources in this JVM with the JDK's compiler. Thread-safe: each
 * call uses its own file manager.
 */
final class TestSourceCompiler {
  private static final List<String> OPTIONS = List.of(
      "-encoding", "UTF-8", "-proc:none", "-g", "-nowarn", "-Xlint:none", "-Xmaxerrs", "100");

  private final JavaCompiler compiler;

  TestSourceCompiler(JavaCompiler compiler) {
    this.compiler = compiler;
  }

  /**
   * Compiles {@code sources} against {@code classpath} into {@code classes}.
   *
   * @return the compiler's errors as {@code path:line: message}, the path relative to
   *     {@code checkout}; empty when the sources compiled
   */
  List<String> compile(Path checkout, List<Path> sources, List<Path> classpath, Path classes)
      throws IOException {
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files =
        compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      files.setLocationFromPaths(StandardLocation.CLASS_PATH, classpath);
      files.setLocationFromPaths(StandardLocation.CLASS_OUTPUT, List.of(classes));
      Boolean compiled = compiler.getTask(null, files, diagnostics, OPTIONS, null,
          files.getJavaFileObjectsFromPaths(sources)).call();
      List<String> errors = new ArrayList<>();
      for (Diagnostic<? extends JavaFileObject> diagnostic : diagnostics.getDiagnostics()) {
        if (diagnostic.getKind() == Diagnostic.Kind.ERROR) {
          errors.add(describe(checkout, diagnostic));
        }
      }
      if (!compiled && errors.isEmpty()) {
        errors.add("the compiler failed without a message");
      }
      return errors;
    }
  }

  private static String describe(Path checkout, Diagnostic<? extends JavaFileObject> diagnostic) {
    String message = diagnostic.getMessage(Locale.ROOT);
    if (diagnostic.getSource() == null) {
      return "error: " + message;
    }
    Path file = Path.of(diagnostic.getSource().toUri());
    String where = file.startsWith(checkout) ? checkout.relativize(file).toString()
        : file.toString();
    return where + ":" + diagnostic.getLineNumber() + ": error: " + message;
  }
}
