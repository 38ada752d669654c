import { Button, Group, Modal, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useState, type FormEvent, type ReactNode } from 'react';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { newIdempotencyKey } from '@/lib/api-client';
import { formatCents } from '@/lib/format';
import { useClaimStep, type Claim, type ClaimStep } from '../api/claims';
import {
  decisionFrom,
  nextClaimSteps,
  STEP_LABELS,
  type ClaimStepName,
  type DecisionValues,
} from './claim-steps';
import { parseCents } from './invoice-form';

function StepForm({
  claim,
  step,
  onClose,
}: {
  claim: Claim;
  step: Exclude<ClaimStepName, 'review'>;
  onClose: () => void;
}): ReactNode {
  const [idempotencyKey] = useState(newIdempotencyKey);
  const send = useClaimStep(claim, idempotencyKey);
  const [decision, setDecision] = useState<DecisionValues>({
    outcome: 'approved',
    approvedAmount: '',
    reason: '',
  });
  const [note, setNote] = useState('');
  const [amount, setAmount] = useState(
    formatCents((claim.approvedCents ?? 0) - claim.paidCents).replace(/,/g, ''),
  );
  const [reference, setReference] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    let body: ClaimStep;
    if (step === 'decision') {
      const result = decisionFrom(decision, claim.claimedCents);
      if ('problem' in result) {
        setErrors({ [result.field]: result.problem });
        return;
      }
      body = result.step;
    } else if (step === 'appeal') {
      if (!note.trim()) {
        setErrors({ note: 'Say why the rejection is wrong.' });
        return;
      }
      body = { step: 'appeal', note: note.trim() };
    } else {
      const amountCents = parseCents(amount);
      if (amountCents === undefined || amountCents < 1) {
        setErrors({ amount: 'An amount such as 45.00.' });
        return;
      }
      body = { step: 'payment', amountCents, ...(reference.trim() ? { reference: reference.trim() } : {}) };
    }
    setErrors({});
    send.mutate(body, { onSuccess: onClose });
  };

  return (
    <Modal opened onClose={onClose} title={`${STEP_LABELS[step]}: claim ${claim.claimNumber}`}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Text size="sm">
            {claim.payer} · policy {claim.policyNumber} · claimed {formatCents(claim.claimedCents)}
          </Text>
          <ProblemAlert error={send.error} title="The claim was not updated" />
          {step === 'decision' ? (
            <>
              <Select
                label="Outcome"
                allowDeselect={false}
                data={[
                  { value: 'approved', label: 'Approved in full' },
                  { value: 'partially_approved', label: 'Partially approved' },
                  { value: 'rejected', label: 'Rejected' },
                ]}
                value={decision.outcome}
                onChange={(value) => setDecision({ ...decision, outcome: value ?? 'approved' })}
              />
              {decision.outcome === 'partially_approved' ? (
                <TextInput
                  label="Approved amount"
                  inputMode="decimal"
                  value={decision.approvedAmount}
                  error={errors['approvedAmount']}
                  onChange={(event) =>
                    setDecision({ ...decision, approvedAmount: event.currentTarget.value })
                  }
                />
              ) : null}
              {decision.outcome === 'rejected' ? (
                <Textarea
                  label="Reason for the rejection"
                  autosize
                  minRows={2}
                  value={decision.reason}
                  error={errors['reason']}
                  onChange={(event) => setDecision({ ...decision, reason: event.currentTarget.value })}
                />
              ) : null}
            </>
          ) : null}
          {step === 'appeal' ? (
            <Textarea
              label="Appeal note"
              autosize
              minRows={2}
              maxLength={2000}
              value={note}
              error={errors['note']}
              onChange={(event) => setNote(event.currentTarget.value)}
            />
          ) : null}
          {step === 'payment' ? (
            <>
              <TextInput
                label="Amount paid by the payer"
                inputMode="decimal"
                value={amount}
                error={errors['amount']}
                onChange={(event) => setAmount(event.currentTarget.value)}
              />
              <TextInput
                label="Remittance reference"
                maxLength={200}
                value={reference}
                onChange={(event) => setReference(event.currentTarget.value)}
              />
            </>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={send.isPending}>
              {STEP_LABELS[step]}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The next steps of a claim's workflow as buttons; the ones with details open a form. */
export function ClaimActions({ claim }: { claim: Claim }): ReactNode {
  const [idempotencyKey] = useState(newIdempotencyKey);
  const review = useClaimStep(claim, idempotencyKey);
  const [open, setOpen] = useState<Exclude<ClaimStepName, 'review'> | undefined>(undefined);
  const steps = nextClaimSteps(claim.status);
  if (steps.length === 0) return <Text size="sm">—</Text>;
  return (
    <Group gap="xs">
      {steps.map((step) =>
        step === 'review' ? (
          <Button
            key={step}
            size="compact-sm"
            variant="light"
            loading={review.isPending}
            onClick={() => review.mutate({ step: 'review' })}
          >
            {STEP_LABELS[step]}
          </Button>
        ) : (
          <Button key={step} size="compact-sm" variant="light" onClick={() => setOpen(step)}>
            {STEP_LABELS[step]}
          </Button>
        ),
      )}
      {review.error ? <ProblemAlert error={review.error} title="The claim was not updated" /> : null}
      {open ? <StepForm claim={claim} step={open} onClose={() => setOpen(undefined)} /> : null}
    </Group>
  );
}
