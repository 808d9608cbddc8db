import type { Language } from '../../spec/language.ts';

/**
 * Per-language facts the rule engine needs: which tree-sitter node types are functions, calls,
 * assignments, string literals, early exits, and which expressions read untrusted input. The rule
 * packs are written against these, so one taint engine serves all five grammars.
 */
export interface LanguageProfile {
  functionTypes: ReadonlySet<string>;
  callTypes: ReadonlySet<string>;
  identifierTypes: ReadonlySet<string>;
  /** Literal string node types (interpolated strings are string building, see `isStringBuilding`). */
  stringTypes: ReadonlySet<string>;
  numberTypes: ReadonlySet<string>;
  exitStatementTypes: ReadonlySet<string>;
  /** Calls that end the function (exit, panic, abort...). */
  exitCalls: RegExp;
  /** Statement types that make what they contain conditional. */
  branchTypes: ReadonlySet<string>;
  ifTypes: ReadonlySet<string>;
  /** Node types worth testing against `sourcePattern` (attribute reads, calls, identifiers). */
  sourceNodeTypes: ReadonlySet<string>;
  /** Untrusted input read: request fields, argv, environment, stdin. Tested on node text. */
  sourcePattern: RegExp;
  /** Calls whose result carries no injectable text (numbers, hashes, lengths, booleans). */
  neutralCalls: RegExp;
  /** Calls that only inspect their argument: they never validate it (length, emptiness). */
  nonValidatorCalls: RegExp;
  /** Calls that format or concatenate strings (results are "built"). */
  buildingCalls: RegExp;
  /** Calls that write into their first argument (C-style out-parameters), name only. */
  outParamCalls: RegExp;
}

const set = (...xs: string[]): ReadonlySet<string> => new Set(xs);

const python: LanguageProfile = {
  functionTypes: set('function_definition', 'lambda'),
  callTypes: set('call'),
  identifierTypes: set('identifier'),
  stringTypes: set('string', 'concatenated_string'),
  numberTypes: set('integer', 'float'),
  exitStatementTypes: set('return_statement', 'raise_statement', 'continue_statement', 'break_statement'),
  exitCalls: /^(sys\.exit|exit|os\._exit|abort)$/,
  branchTypes: set(
    'if_statement',
    'elif_clause',
    'else_clause',
    'for_statement',
    'while_statement',
    'try_statement',
    'except_clause',
    'conditional_expression',
    'case_clause',
  ),
  ifTypes: set('if_statement', 'elif_clause'),
  sourceNodeTypes: set('attribute', 'call', 'subscript'),
  sourcePattern:
    /^(?:(?:flask\.)?request\.(?:args|form|values|json|data|cookies|headers|files|get_json|get_data|query_string|path|url|full_path)\b|input\s*\(|raw_input\s*\(|sys\.argv\b|sys\.stdin\b|os\.environ\b|os\.getenv\s*\(|self\.request\.|request\.(?:GET|POST|COOKIES|META|FILES|body|query_params|match_info|matchdict|query|forms|params|rel_url)\b|self\.get_(?:argument|arguments|query_argument|body_argument|cookie|secure_cookie)\s*\()/,
  neutralCalls:
    /^(?:len|int|float|bool|abs|round|ord|hash|id|isinstance|hasattr|callable|type|uuid\.uuid4|.*\.(?:hexdigest|digest|count|index|find|rfind|isdigit|isalnum|isalpha|startswith|endswith|bit_length|total_seconds|exists|isfile|isdir|getsize)|os\.path\.(?:exists|isfile|isdir|getsize|isabs)|hashlib\..*|hmac\..*)$/,
  nonValidatorCalls:
    /^(?:len|bool|str|type|isinstance|os\.path\.(?:exists|isfile|isdir|islink|getsize)|.*\.(?:strip|lower|upper|encode|decode|exists|is_file|is_dir))$/,
  buildingCalls: /(?:^|\.)(?:format|join|format_map|substitute|safe_substitute)$/,
  outParamCalls: /^$/,
};

// ImageMagick's Throw{Reader,Writer,Binary,Image}Exception macros record the error and return.
const cFamilyExit =
  /^(?:exit|_exit|abort|std::exit|std::abort|longjmp|err|errx|Throw(?!Magick|File)\w*Exception)$/;

const c: LanguageProfile = {
  functionTypes: set('function_definition'),
  callTypes: set('call_expression'),
  identifierTypes: set('identifier'),
  stringTypes: set('string_literal', 'concatenated_string', 'raw_string_literal', 'char_literal'),
  numberTypes: set('number_literal'),
  exitStatementTypes: set(
    'return_statement',
    'break_statement',
    'continue_statement',
    'goto_statement',
    'throw_statement',
  ),
  exitCalls: cFamilyExit,
  branchTypes: set(
    'if_statement',
    'else_clause',
    'for_statement',
    'for_range_loop',
    'while_statement',
    'do_statement',
    'case_statement',
    'conditional_expression',
    'try_statement',
    'catch_clause',
  ),
  ifTypes: set('if_statement'),
  sourceNodeTypes: set('identifier', 'call_expression', 'subscript_expression'),
  sourcePattern: /^(?:argv\b|getenv\s*\(|secure_getenv\s*\(|std::getenv\s*\(|std::cin\b)/,
  neutralCalls:
    /^(?:strlen|strnlen|sizeof|strcmp|strncmp|strcasecmp|memcmp|abs|labs|isalnum|isalpha|isdigit|isspace|isupper|islower|isxdigit|toupper|tolower|rand|random|time|fileno|open|close|.*(?:\.|->)(?:size|length|empty|compare|find|rfind|count)|std::(?:stoi|stol|stoul|stod|to_string))$/,
  nonValidatorCalls:
    /^(?:strlen|strnlen|sizeof|.*(?:\.|->)(?:size|length|empty|c_str|data)|std::(?:size|empty))$/,
  buildingCalls:
    /^(?:sprintf|snprintf|vsprintf|vsnprintf|asprintf|strcat|strncat|strcpy|strncpy|memcpy|memmove|std::format|fmt::format)$/,
  outParamCalls:
    /^(?:sprintf|snprintf|vsprintf|vsnprintf|asprintf|strcat|strncat|strcpy|strncpy|stpcpy|memcpy|memmove|strlcpy|strlcat|fgets|gets|read|recv|recvfrom|fread|getline)$/,
};

const cpp: LanguageProfile = {
  ...c,
  functionTypes: set('function_definition', 'lambda_expression'),
  // type_identifier: arguments of `T x(arg);` declarations parse as parameter types.
  identifierTypes: set('identifier', 'type_identifier'),
};

const go: LanguageProfile = {
  functionTypes: set('function_declaration', 'method_declaration', 'func_literal'),
  callTypes: set('call_expression'),
  identifierTypes: set('identifier'),
  stringTypes: set('interpreted_string_literal', 'raw_string_literal', 'rune_literal'),
  numberTypes: set('int_literal', 'float_literal'),
  exitStatementTypes: set('return_statement', 'break_statement', 'continue_statement', 'goto_statement'),
  exitCalls: /^(?:panic|os\.Exit|log\.Fatal|log\.Fatalf|log\.Fatalln|log\.Panic|log\.Panicf)$/,
  branchTypes: set(
    'if_statement',
    'for_statement',
    'expression_switch_statement',
    'type_switch_statement',
    'expression_case',
    'default_case',
    'select_statement',
    'communication_case',
    'block',
  ),
  ifTypes: set('if_statement'),
  sourceNodeTypes: set('selector_expression', 'call_expression', 'index_expression'),
  sourcePattern:
    /^(?:os\.Args\b|os\.Getenv\s*\(|os\.LookupEnv\s*\(|os\.Stdin\b|\w+\.URL\.Query\(\)|\w+\.(?:FormValue|PostFormValue|URL\.Path|URL\.RawQuery|Body|Form|PostForm|Header\.Get|Cookie)\b|c\.(?:Query|Param|PostForm|GetHeader)\s*\()/,
  neutralCalls:
    /^(?:len|cap|strconv\.(?:Atoi|ParseInt|ParseUint|ParseFloat|ParseBool)|strings\.(?:Contains|HasPrefix|HasSuffix|Index|Count|EqualFold)|bytes\.(?:Equal|Contains)|regexp\.MatchString|.*\.(?:MatchString|Match|Sum|Sum256|Sum512)|hex\.EncodeToString|sha256\.Sum256|sha512\.Sum512|md5\.Sum|errors\.New)$/,
  nonValidatorCalls: /^(?:len|cap|string|strings\.TrimSpace|strings\.ToLower|strings\.ToUpper)$/,
  buildingCalls:
    /^(?:fmt\.Sprintf|fmt\.Sprint|fmt\.Sprintln|strings\.Join|strings\.Replace|path\.Join|filepath\.Join|.*\.WriteString)$/,
  outParamCalls: /^$/,
};

const javascript: LanguageProfile = {
  functionTypes: set(
    'function_declaration',
    'function_expression',
    'arrow_function',
    'method_definition',
    'generator_function_declaration',
    'generator_function',
  ),
  callTypes: set('call_expression', 'new_expression'),
  identifierTypes: set('identifier', 'shorthand_property_identifier'),
  stringTypes: set('string'),
  numberTypes: set('number'),
  exitStatementTypes: set('return_statement', 'throw_statement', 'break_statement', 'continue_statement'),
  exitCalls: /^(?:process\.exit)$/,
  branchTypes: set(
    'if_statement',
    'else_clause',
    'for_statement',
    'for_in_statement',
    'while_statement',
    'do_statement',
    'try_statement',
    'catch_clause',
    'switch_case',
    'switch_default',
    'ternary_expression',
  ),
  ifTypes: set('if_statement'),
  sourceNodeTypes: set('member_expression', 'call_expression', 'subscript_expression'),
  // Text read back from the page (`el.textContent`, `$x.text()`, `$x.val()`) is attacker-shaped
  // markup once written as HTML (CodeQL's "XSS through DOM").
  sourcePattern:
    /^(?:(?:req|request|ctx\.request|ctx)\.(?:query|body|params|headers|cookies|url|originalUrl|path|hostname|files?(?:\.[\w$]+|\[[^\]]*\])?\.(?:originalname|name)\b|payload|signedCookies|get\s*\(|header\s*\(|param\s*\()|process\.argv\b|process\.env\b|(?:window\.|document\.)?location\.(?:hash|search|href|pathname)|document\.(?:cookie|referrer|URL|location)|window\.name\b|(?:local|session)Storage\.getItem\s*\(|(?:\$|jQuery)\((?:[^()]|\([^()]*\))*\)(?:\.\w+\([^()]*\))*?\.(?:val|text|attr)\s*\(|\$?\w+\.val\s*\(\s*\)|\$[\w$]*(?:\.\w+\((?:[^()]|\([^()]*\))*\))*\.(?:val|text)\s*\(\s*\)|[\w$]+(?:\.[\w$]+)*\.(?:textContent|innerText)\b)/,
  neutralCalls:
    /^(?:parseInt|parseFloat|Number|Boolean|isNaN|Math\.\w+|.*\.(?:length|indexOf|lastIndexOf|includes|startsWith|endsWith|test|digest|has)|crypto\.(?:randomBytes|randomUUID|randomInt)|Array\.isArray)$/,
  // Type tests (`_.isObject(v)`, `Array.isArray(v)`) say nothing about the value's content, nor
  // does one character or a slice of it (`key.charAt(0) !== '['` picks a syntax branch).
  nonValidatorCalls:
    /^(?:String|(?:.*\.)?is(?:Plain)?(?:Object|Array|String|Number|Function|Boolean|Undefined|Null|Nil|Empty)|.*\.(?:trim|toLowerCase|toUpperCase|toString|charAt|charCodeAt|codePointAt|slice|substr|substring))$/,
  buildingCalls:
    /^(?:.*\.(?:join|concat)|util\.format|require\(\s*['"`](?:node:)?util['"`]\s*\)\.format|format|path\.resolve)$/,
  outParamCalls: /^$/,
};

export const PROFILES: Record<Language, LanguageProfile> = { python, c, cpp, go, javascript };
