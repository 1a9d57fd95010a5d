package dev.natagent.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Executable;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * natctl builds its picocli model programmatically (see {@link Specs}): a picocli annotation in
 * the cli package would bring back the reflection and annotation proxies that made each call slow.
 */
class NoPicocliAnnotationsTest {
    @Test
    void noClassOfTheCliPackageCarriesAPicocliAnnotation() throws Exception {
        List<Class<?>> classes = cliClasses();
        assertTrue(classes.size() >= 20, "found the cli classes: " + classes);
        List<String> found = new ArrayList<>();
        for (Class<?> type : classes) {
            check(type, type.getName(), found);
            for (var field : type.getDeclaredFields()) {
                check(field, type.getName() + "." + field.getName(), found);
            }
            List<Executable> executables = new ArrayList<>(List.of(type.getDeclaredMethods()));
            executables.addAll(List.of(type.getDeclaredConstructors()));
            for (Executable executable : executables) {
                String name = type.getName() + "." + executable.getName();
                check(executable, name, found);
                for (var parameter : executable.getParameters()) {
                    check(parameter, name + "(" + parameter.getName() + ")", found);
                }
            }
        }
        assertEquals(List.of(), found);
    }

    /** The scan itself must be able to fail: it does see a picocli annotation where there is one. */
    @Test
    void theScanSeesPicocliAnnotations() {
        List<String> found = new ArrayList<>();
        check(Annotated.class, "Annotated", found);
        assertEquals(List.of("Annotated: @picocli.CommandLine$Command"), found);
    }

    @picocli.CommandLine.Command(name = "annotated")
    private static final class Annotated {}

    private static void check(AnnotatedElement element, String where, List<String> found) {
        for (Annotation annotation : element.getDeclaredAnnotations()) {
            String type = annotation.annotationType().getName();
            if (type.startsWith("picocli.")) {
                found.add(where + ": @" + type);
            }
        }
    }

    /** Every class compiled into the cli package of the main code, nested ones included. */
    private static List<Class<?>> cliClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(
                Natctl.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path dir = root.resolve(Natctl.class.getPackageName().replace('.', '/'));
        assertTrue(Files.isDirectory(dir), "main classes directory " + dir);
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (name.endsWith(".class")) {
                    String className = Natctl.class.getPackageName() + "." + name.substring(0, name.length() - 6);
                    classes.add(Class.forName(className, false, Natctl.class.getClassLoader()));
                }
            }
        }
        return classes;
    }
}
