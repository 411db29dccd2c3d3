"""Code system and identifier system URIs, in one place so every resource spells them alike.

Standard systems follow HL7 Terminology (THO) and the FHIR R4 specification; identifiers that are
ours (member ids, claim numbers, ...) live under an RFC 2606 ``example.org`` host so they can
never collide with a real organisation's naming system.
"""

from __future__ import annotations

# --- identifier systems that are ours ---------------------------------------------------------
SID = "https://clinical-data-generator.example.org/fhir/sid/"
MEMBER_ID = SID + "member-id"
MEMBER_NUMBER = SID + "member-number"
SUBSCRIBER_NUMBER = SID + "subscriber-number"
MRN = SID + "mrn"
COVERAGE_ID = SID + "coverage-id"
PAYER_ID = SID + "payer-id"
PAYER_CODE = SID + "payer-code"
SPONSOR_ID = SID + "sponsor-id"
GROUP_NUMBER = SID + "group-number"
PROVIDER_ID = SID + "provider-id"
ENCOUNTER_ID = SID + "encounter-id"
CONDITION_ID = SID + "condition-id"
IMMUNIZATION_ID = SID + "immunization-id"
PROCEDURE_ID = SID + "procedure-id"
CLAIM_ID = SID + "claim-id"
ADJUDICATION_ID = SID + "adjudication-id"
PAYER_CLAIM_NUMBER = SID + "payer-claim-control-number"
PAYMENT_ID = SID + "payment-id"
TRACE_NUMBER = SID + "payment-trace-number"
INQUIRY_ID = SID + "eligibility-inquiry-id"
LAB_RESULT_ID = SID + "lab-result-id"
REPORT_ID = SID + "diagnostic-report-id"

# --- national identifier systems --------------------------------------------------------------
NPI = "http://hl7.org/fhir/sid/us-npi"
EIN = "urn:oid:2.16.840.1.113883.4.4"  # IRS employer identification number (TIN)
SSN = "http://hl7.org/fhir/sid/us-ssn"
MBI = "http://hl7.org/fhir/sid/us-mbi"
MVX = "http://hl7.org/fhir/sid/mvx"

# --- code systems ------------------------------------------------------------------------------
CVX = "http://hl7.org/fhir/sid/cvx"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
ICD10PCS = "http://www.cms.gov/Medicare/Coding/ICD10"
CPT = "http://www.ama-assn.org/go/cpt"
HCPCS = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"  # THO HCPCS Level II
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
NUCC = "http://nucc.org/provider-taxonomy"
CDC_RACE = "urn:oid:2.16.840.1.113883.6.238"  # CDC Race & Ethnicity code set
BCP47 = "urn:ietf:bcp:47"
PAYER_TYPE = "urn:oid:2.16.840.1.113883.3.221.5"  # PHDSC Source of Payment Typology
POS = "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set"
NUBC_POINT_OF_ORIGIN = "https://www.nubc.org/CodeSystem/PointOfOrigin"
NUBC_DISCHARGE = "https://www.nubc.org/CodeSystem/PatDischargeStatus"
NUBC_REVENUE = "https://www.nubc.org/CodeSystem/RevenueCodes"
NUBC_TYPE_OF_BILL = "https://www.nubc.org/CodeSystem/TypeOfBill"
NUBC_ADMISSION_TYPE = "https://www.nubc.org/CodeSystem/PriorityTypeOfAdmitOrVisit"
MS_DRG = (
    "https://www.cms.gov/Medicare/Medicare-Fee-for-Service-Payment/AcuteInpatientPPS/"
    "MS-DRG-Classifications-and-Software"
)
X12_SERVICE_TYPE = "https://x12.org/codes/service-type-codes"
X12_CARC = "https://x12.org/codes/claim-adjustment-reason-codes"
X12_RARC = "https://x12.org/codes/remittance-advice-remark-codes"
SNOMED = "http://snomed.info/sct"
C4BB_ADJUDICATION = "http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBAdjudication"
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"

_THO = "http://terminology.hl7.org/CodeSystem/"
V2_0203 = _THO + "v2-0203"  # identifier type
V2_0443 = _THO + "v2-0443"  # provider role (immunization performer function)
V3_ACT_CODE = _THO + "v3-ActCode"
V3_PARTICIPATION = _THO + "v3-ParticipationType"
V3_ACT_SITE = _THO + "v3-ActSite"
V3_ROUTE = _THO + "v3-RouteOfAdministration"
V3_ROLE_CODE = _THO + "v3-RoleCode"
V3_OBSERVATION_INTERPRETATION = _THO + "v3-ObservationInterpretation"
ORGANIZATION_TYPE = _THO + "organization-type"
COVERAGE_CLASS = _THO + "coverage-class"
SUBSCRIBER_RELATIONSHIP = _THO + "subscriber-relationship"
CONDITION_CLINICAL = _THO + "condition-clinical"
CONDITION_VERIFICATION = _THO + "condition-ver-status"
CONDITION_CATEGORY = _THO + "condition-category"
CLAIM_TYPE = _THO + "claim-type"
PROCESS_PRIORITY = _THO + "processpriority"
ADJUDICATION = _THO + "adjudication"
DIAGNOSIS_TYPE = _THO + "ex-diagnosistype"
CARE_TEAM_ROLE = _THO + "claimcareteamrole"
INFORMATION_CATEGORY = _THO + "claiminformationcategory"
RELATED_CLAIM = _THO + "ex-relatedclaimrelationship"
PAYMENT_TYPE = _THO + "ex-paymenttype"
BENEFIT_TYPE = _THO + "benefit-type"
OBSERVATION_CATEGORY = _THO + "observation-category"
DIAGNOSTIC_SERVICE = _THO + "v2-0074"

# --- US Core profiles (declared only on resources that conform; see docs/fhir) ----------------
US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition/"
US_CORE_RACE = US_CORE + "us-core-race"
US_CORE_ETHNICITY = US_CORE + "us-core-ethnicity"
US_CORE_BIRTHSEX = US_CORE + "us-core-birthsex"
