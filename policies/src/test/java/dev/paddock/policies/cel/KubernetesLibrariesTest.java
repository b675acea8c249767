package dev.paddock.policies.cel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.projectnessie.cel.common.types.Err;
import org.projectnessie.cel.common.types.ref.Val;
import org.projectnessie.cel.interpreter.Activation;

/**
 * Each Kubernetes CEL library function against the behaviour Kubernetes documents (cases taken from
 * the Kubernetes CEL library docs and tests in k8s.io/apiserver/pkg/cel/library).
 */
class KubernetesLibrariesTest {
  static final CelEnvironment CEL = new CelEnvironment();

  static Val eval(String expression) {
    CelEnvironment.Compiled compiled = CEL.compile(expression, CelEnvironment.ResultType.ANY);
    assertThat(compiled.problems()).as(expression).isEmpty();
    return compiled.program().eval(Activation.newActivation(Map.of())).getVal();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        // quantity
        "quantity('50M') == quantity('50000000')",
        "quantity('1') == quantity('1000m')",
        "quantity('1Mi').asInteger() == 1048576",
        "quantity('1.5').isInteger() == false",
        "quantity('1Gi').isInteger()",
        "quantity('50m').asApproximateFloat() == 0.05",
        "isQuantity('1.3G') && !isQuantity('1.3Gb') && !isQuantity('abc')",
        "quantity('-50').sign() == -1 && quantity('0').sign() == 0 && quantity('1m').sign() == 1",
        "quantity('50k').compareTo(quantity('50M')) == -1",
        "quantity('50M').compareTo(quantity('50M')) == 0",
        "quantity('2Gi').isGreaterThan(quantity('1Gi'))",
        "quantity('500m').isLessThan(quantity('1'))",
        "quantity('50k').add(quantity('20k')) == quantity('70k')",
        "quantity('50k').add(20) == quantity('50020')",
        "quantity('50k').sub(quantity('20k')) == quantity('30k')",
        "quantity('50k').sub(20) == quantity('49980')",
        "quantity('200M').add(quantity('0.2G')).isGreaterThan(quantity('399M'))",
        "quantity('1e3') == quantity('1k')",
        "string(quantity('500m')) == '500m'",
        // ip and cidr
        "isIP('192.168.0.1') && isIP('::1') && !isIP('192.168.0.1/24') && !isIP('010.0.0.1')",
        "!isIP('::ffff:192.168.0.1') && !isIP('fe80::1%eth0') && !isIP('example.com')",
        "ip('192.168.0.1').family() == 4 && ip('::1').family() == 6",
        "ip('127.0.0.1').isLoopback() && ip('::1').isLoopback() && !ip('10.0.0.1').isLoopback()",
        "ip('0.0.0.0').isUnspecified() && ip('::').isUnspecified()",
        "ip('224.0.0.1').isLinkLocalMulticast() && ip('ff02::1').isLinkLocalMulticast()",
        "ip('169.254.169.254').isLinkLocalUnicast() && ip('fe80::1').isLinkLocalUnicast()",
        "ip('192.168.0.1').isGlobalUnicast() && ip('2001:db8::1').isGlobalUnicast()",
        "!ip('255.255.255.255').isGlobalUnicast() && !ip('127.0.0.1').isGlobalUnicast()",
        "ip.isCanonical('2001:db8::abcd') && !ip.isCanonical('2001:DB8::ABCD')",
        "!ip.isCanonical('2001:db8:0:0:0:0:0:abcd')",
        "string(ip('2001:DB8:0:0:0:0:0:1')) == '2001:db8::1'",
        "ip('127.0.0.1') == ip('127.0.0.1')",
        "isCIDR('192.168.0.0/24') && !isCIDR('192.168.0.0') && !isCIDR('192.168.0.0/33')",
        "cidr('192.168.0.0/24').containsIP(ip('192.168.0.1'))",
        "cidr('192.168.0.0/24').containsIP('192.168.0.1') && !cidr('192.168.0.0/24').containsIP('192.168.1.1')",
        "cidr('192.168.0.0/24').containsCIDR(cidr('192.168.0.0/25'))",
        "cidr('192.168.0.0/24').containsCIDR('192.168.0.128/25') && !cidr('192.168.0.0/24').containsCIDR('192.168.0.0/23')",
        "cidr('2001:db8::/32').containsIP(ip('2001:db8::1'))",
        "cidr('192.168.0.0/24').prefixLength() == 24",
        "cidr('192.168.1.5/24').masked() == cidr('192.168.1.0/24')",
        "cidr('192.168.1.5/24').ip() == ip('192.168.1.5')",
        "string(cidr('192.168.0.0/24')) == '192.168.0.0/24'",
        // url
        "isURL('https://example.com:80/path?query=val#fragment') && isURL('/absolute-path')",
        "!isURL('example.com') && !isURL('../relative')",
        "url('https://example.com/').getScheme() == 'https'",
        "url('https://example.com:80/').getHost() == 'example.com:80'",
        "url('https://[::1]:80/').getHost() == '[::1]:80'",
        "url('https://example.com:80/').getHostname() == 'example.com'",
        "url('https://[::1]:80/').getHostname() == '::1'",
        "url('https://example.com:80/').getPort() == '80' && url('https://example.com/').getPort() == ''",
        "url('https://example.com/with space/').getEscapedPath() == '/with%20space/' || !isURL('https://example.com/with space/')",
        "url('https://example.com/a%20b').getEscapedPath() == '/a%20b'",
        "url('https://example.com/path?k1=a&k2=b&k2=c').getQuery() == {'k1': ['a'], 'k2': ['b', 'c']}",
        "url('/path').getScheme() == '' && url('/path').getHost() == ''",
        // regex
        "'abc 123'.find('[0-9]+') == '123' && 'abc'.find('[0-9]+') == ''",
        "'123 abc 456'.findAll('[0-9]+') == ['123', '456']",
        "'123 abc 456'.findAll('[0-9]+', 1) == ['123']",
        "'hello'.matches('^h.*o$') && !'hello'.matches('^x')",
        // lists
        "[1, 2, 3].isSorted() && !([2, 1].isSorted()) && ['a', 'b'].isSorted()",
        "[1, 2, 3].sum() == 6 && [1.5, 2.5].sum() == 4.0 && [].sum() == 0",
        "[1, 2, 3].min() == 1 && [1, 2, 3].max() == 3 && ['b', 'a'].min() == 'a'",
        "[1, 2, 3, 2].indexOf(2) == 1 && [1, 2, 3, 2].lastIndexOf(2) == 3 && [1].indexOf(5) == -1",
        // strings extension
        "'hello'.charAt(1) == 'e' && 'hello'.charAt(5) == ''",
        "'hello mellow'.indexOf('ello') == 1 && 'hello mellow'.indexOf('ello', 2) == 7",
        "'hello mellow'.lastIndexOf('ello') == 7 && 'hello mellow'.lastIndexOf('ello', 6) == 1",
        "'TacoCat'.lowerAscii() == 'tacocat' && 'TacoCÆt'.upperAscii() == 'TACOCÆT'",
        "'hello hello'.replace('he', 'we') == 'wello wello'",
        "'hello hello'.replace('he', 'we', 1) == 'wello hello'",
        "'hello hello hello'.split(' ') == ['hello', 'hello', 'hello']",
        "'hello hello hello'.split(' ', 2) == ['hello', 'hello hello']",
        "'tacocat'.substring(4) == 'cat' && 'tacocat'.substring(0, 4) == 'taco'",
        "'  \\ttrim\\n  '.trim() == 'trim'",
        "['hello', 'mellow'].join() == 'hellomellow' && ['hello', 'mellow'].join(' ') == 'hello mellow'",
        "'gums'.reverse() == 'smug'",
        // format
        "!format.dns1123Label().validate('my-name').hasValue()",
        "format.dns1123Label().validate('My_Name').hasValue()",
        "format.dns1123Label().validate('a' + 'b'.substring(0, 0) + '-').hasValue()",
        "!format.dns1123Subdomain().validate('example.com').hasValue()",
        "!format.labelValue().validate('').hasValue() && format.labelValue().validate('-x').hasValue()",
        "!format.qualifiedName().validate('example.com/my-name').hasValue()",
        "format.qualifiedName().validate('/my-name').hasValue()",
        "!format.uuid().validate('123e4567-e89b-12d3-a456-426614174000').hasValue()",
        "format.uuid().validate('not-a-uuid').hasValue()",
        "format.named('dns1123Label').hasValue() && !format.named('nonsense').hasValue()",
        "!format.named('dns1035Label').value().validate('abc').hasValue()",
        "format.dns1123Label().validate('UP').value().size() == 1",
        // semver
        "isSemver('1.0.0') && isSemver('1.2.3-rc.1+build.5') && !isSemver('v1.0.0') && !isSemver('1.0')",
        "semver('1.2.3').major() == 1 && semver('1.2.3').minor() == 2 && semver('1.2.3').patch() == 3",
        "semver('1.0.0').isLessThan(semver('1.0.1'))",
        "semver('2.0.0').isGreaterThan(semver('1.99.99'))",
        "semver('1.0.0-alpha').isLessThan(semver('1.0.0'))",
        "semver('1.0.0-alpha.1').isLessThan(semver('1.0.0-alpha.beta'))",
        "semver('1.0.0').compareTo(semver('1.0.0')) == 0",
        "semver('1.0.0+build') == semver('1.0.0')",
      })
  void documentedBehaviourHolds(String expression) {
    Val result = eval(expression);
    assertThat(result).as(expression).isNotInstanceOf(Err.class);
    assertThat(result.booleanValue()).as(expression).isTrue();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "quantity('1.3Gb')|quantities must match",
        "quantity('1.5').asInteger()|cannot convert value to integer",
        "ip('192.168.0.1/24')|parse error",
        "ip('fe80::1%eth0')|zone",
        "cidr('192.168.0.0')|parse error",
        "url('example.com')|URL parse error",
        "[].min()|empty list",
        "'abc'.matches('(a)\\\\1')|invalid regular expression",
        "'abc'.substring(2, 1)|invalid substring range",
        "semver('v1')|Major.Minor.Patch",
        "format.named('nope').value()|optional.none()",
      })
  void invalidInputIsAnErrorValue(String expression, String message) {
    Val result = eval(expression);
    assertThat(result).as(expression).isInstanceOf(Err.class);
    assertThat(result.toString()).as(expression).contains(message);
  }

  @Test
  void matchesRunsInLinearTime() {
    // 3-4 s per evaluation with java.util.regex's backtracking (CEL-NOTES); re2j: microseconds
    String text = "a".repeat(28) + "!";
    for (int i = 0; i < 100; i++) {
      assertThat(eval("'" + text + "'.matches('(.*a){12}$')").booleanValue()).isFalse();
    }
  }

  @Test
  void backReferencesAreRefusedAsRe2RefusesThem() {
    assertThat(eval("'aa'.matches('(a)\\\\1')")).isInstanceOf(Err.class);
  }
}
