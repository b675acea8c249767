package dev.paddock.e2e.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A {@link ControlPlaneTest} with Paddock's CRDs installed and the run's one Paddock controller
 * reconciling every namespace. See {@link PaddockControllerExtension}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ControlPlaneTest
@ExtendWith(PaddockControllerExtension.class)
public @interface PaddockControllerTest {}
