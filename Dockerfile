# The Paddock image: the shaded jar on a Java 17 runtime. Build the jar first:
#   mvn -B -DskipTests package -pl cli -am && docker build -t paddock:0.1.0 .
FROM eclipse-temurin:17-jre
COPY cli/target/paddock.jar /opt/paddock/paddock.jar
USER 65532:65532
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/paddock/paddock.jar"]
